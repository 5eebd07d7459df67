/**
 * @file testnet.h  Ports for tests that run next to other copies of
 * themselves (two worktrees, parallel runs) on one machine.
 *
 * testnet_block() reserves a block of TESTNET_BLOCK ports below the
 * kernel's ephemeral range for this process: a lock file per block under
 * /tmp, held with flock() until the process exits (even if it crashes), so
 * cooperating test processes never share a block.  Processes that do not
 * cooperate may still bind ports in it: code under test must skip busy
 * ports, and tests needing exact ports should search the block.
 *
 * testnet_udp_pair() asks the kernel for an even/odd port pair (RTP and
 * RTCP of a test peer) in the ephemeral range, so peers never collide.
 *
 * Threads: call from the test's main thread.
 */
#ifndef HOTLINE_TESTNET_H
#define HOTLINE_TESTNET_H

#include <stdint.h>

struct sa;

#define TESTNET_BLOCK 400 /* ports per process */

/** This process's block [*lo, *hi] (the same on every call); fails the
 *  test if every block is taken. */
void testnet_block(uint16_t *lo, uint16_t *hi);

/** Two UDP sockets on ip ("127.0.0.1", "::1") bound to an even port P and
 *  P + 1 the kernel chose; *addr = ip:P.  Returns 0 or an errno. */
int testnet_udp_pair(const char *ip, int fd[2], struct sa *addr);

#endif
