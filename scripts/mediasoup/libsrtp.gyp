# Kuaichu: replaces node_modules/mediasoup/worker/deps/libsrtp/libsrtp.gyp (mediasoup 3.8.4).
# Instead of compiling the bundled libsrtp 2.3.0, the worker uses Debian's libsrtp2 (libsrtp2-dev:
# <srtp.h> in /usr/include/srtp2, shared libsrtp2.so.1, itself built against Debian's OpenSSL).
# Copied in by scripts/build-mediasoup-worker.sh; edit here, never in node_modules.
{
  'targets': [
    {
      'target_name': 'libsrtp',
      'type': 'none',
      'direct_dependent_settings': {
        'include_dirs': [ '/usr/include/srtp2' ],
      },
      'all_dependent_settings': {
        'libraries': [ '-lsrtp2' ],
      },
    },
  ],
}
