/**
 * @file testnet.c  Per-process port blocks and kernel-chosen port pairs
 * for tests (see testnet.h).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <unistd.h>

#include <re.h>

#include "common/testnet.h"

#define BLOCK_FIRST 20000 /* blocks fill 20000-31999, below 32768 */
#define BLOCKS      30

void testnet_block(uint16_t *lo, uint16_t *hi)
{
	static int held = -1;
	unsigned start = (unsigned)getpid() % BLOCKS;

	for (unsigned k = 0; held < 0 && k < BLOCKS; k++) {
		unsigned b = (start + k) % BLOCKS;
		char path[64];
		int fd;

		snprintf(path, sizeof(path), "/tmp/hotline-test-ports.%u.lock",
		         b);
		fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);
		if (fd < 0)
			continue;
		if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
			close(fd);
			continue;
		}
		held = (int)b; /* fd stays open: the lock lives with us */
	}
	if (held < 0)
		fail_msg("every test port block is taken");
	*lo = (uint16_t)(BLOCK_FIRST + held * TESTNET_BLOCK);
	*hi = (uint16_t)(*lo + TESTNET_BLOCK - 1);
}

static int udp_bind(const struct sa *a, int *fdp)
{
	int fd = socket(sa_af(a), SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0)
		return errno;
	if (bind(fd, &a->u.sa, a->len) < 0) {
		int err = errno;
		close(fd);
		return err;
	}
	*fdp = fd;
	return 0;
}

int testnet_udp_pair(const char *ip, int fd[2], struct sa *addr)
{
	int spare[64], nspare = 0, err = EADDRINUSE;

	/* odd ports and ports whose neighbour is taken stay bound until
	 * the end, so the kernel does not hand them out again */
	while (nspare < 64) {
		struct sa a;

		err = sa_set_str(&a, ip, 0);
		if (err)
			break;
		err = udp_bind(&a, &fd[0]);
		if (err)
			break;
		a.len = sizeof(a.u);
		getsockname(fd[0], &a.u.sa, &a.len);
		if (sa_port(&a) % 2 == 0 && sa_port(&a) < 65535) {
			struct sa b = a;
			sa_set_port(&b, (uint16_t)(sa_port(&a) + 1));
			if (!udp_bind(&b, &fd[1])) {
				*addr = a;
				err = 0;
				break;
			}
		}
		spare[nspare++] = fd[0];
		err = EADDRINUSE;
	}
	while (nspare)
		close(spare[--nspare]);
	return err;
}
