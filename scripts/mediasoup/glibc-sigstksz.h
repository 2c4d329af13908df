/*
 * Kuaichu: force-included into every C++ file of the mediasoup 3.8.4 worker build
 * (CXXFLAGS=-include this file, set by scripts/build-mediasoup-worker.sh).
 *
 * Since glibc 2.34 (Debian 12 has 2.36), SIGSTKSZ is `sysconf(_SC_SIGSTKSZ)` under _GNU_SOURCE,
 * no longer a constant, which breaks the old abseil bundled with mediasoup's libwebrtc
 * (failure_signal_handler.cc: "no matching function for call to max(long int, int)").
 * Pull in <signal.h> first so that its definition cannot come later, then pin the classic value.
 */
#ifndef KUAICHU_GLIBC_SIGSTKSZ_H
#define KUAICHU_GLIBC_SIGSTKSZ_H
#include <signal.h>
#undef SIGSTKSZ
#define SIGSTKSZ 16384
#endif
