# Kuaichu: replaces node_modules/mediasoup/worker/deps/openssl/openssl.gyp (mediasoup 3.8.4).
# Instead of compiling the bundled OpenSSL 1.1.1k (end of life) into the worker, every target that
# depends on 'openssl' (the worker, libwebrtc, usrsctp) compiles against Debian's OpenSSL 3 headers
# (libssl-dev, /usr/include/openssl) and the worker links the shared libssl.so.3/libcrypto.so.3.
# Copied in by scripts/build-mediasoup-worker.sh; edit here, never in node_modules.
{
  'targets': [
    {
      'target_name': 'openssl',
      'type': 'none',
      'all_dependent_settings': {
        'defines': [
          # mediasoup 3.8.4 uses the 1.1 API (some of it deprecated in 3.0).
          'OPENSSL_API_COMPAT=0x10100000L',
          'OPENSSL_SUPPRESS_DEPRECATED',
        ],
        'libraries': [ '-lssl', '-lcrypto' ],
      },
    },
  ],
}
