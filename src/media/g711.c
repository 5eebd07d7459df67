/**
 * @file g711.c  G.711 mu-law and A-law (ITU-T G.711): decoding tables
 * built once, and encoders.  Players send mu-law prompts as is or through
 * media_ulaw_alaw; the recorder and the in-band DTMF detector decode with
 * the tables.
 */
#include <pthread.h>

#include "media/media_int.h"

int16_t media_ulaw_lin[256];
int16_t media_alaw_lin[256];
uint8_t media_ulaw_alaw[256];

static int16_t ulaw_decode(uint8_t u)
{
	int t;

	u = (uint8_t)~u;
	t = ((u & 0x0f) << 3) + 0x84;
	t <<= (u & 0x70) >> 4;
	return (int16_t)((u & 0x80) ? 0x84 - t : t - 0x84);
}

static int16_t alaw_decode(uint8_t a)
{
	int t, seg;

	a ^= 0x55;
	t = (a & 0x0f) << 4;
	seg = (a & 0x70) >> 4;
	if (seg == 0)
		t += 8;
	else if (seg == 1)
		t += 0x108;
	else
		t = (t + 0x108) << (seg - 1);
	return (int16_t)((a & 0x80) ? t : -t);
}

uint8_t media_lin_ulaw(int16_t pcm)
{
	int v = pcm, sign = 0, exp, mant;

	if (v < 0) {
		v = -v;
		sign = 0x80;
	}
	if (v > 32635)
		v = 32635;
	v += 0x84;
	for (exp = 7; exp > 0 && !(v & (0x80 << exp)); exp--)
		;
	mant = (v >> (exp + 3)) & 0x0f;
	return (uint8_t) ~(sign | (exp << 4) | mant);
}

uint8_t media_lin_alaw(int16_t pcm)
{
	static const int seg_end[8] = {0x1f,  0x3f,  0x7f,  0xff,
	                               0x1ff, 0x3ff, 0x7ff, 0xfff};
	int v = pcm >> 3, mask, seg;

	if (v >= 0) {
		mask = 0xd5;
	} else {
		mask = 0x55;
		v = -v - 1;
	}
	for (seg = 0; seg < 8 && v > seg_end[seg]; seg++)
		;
	if (seg >= 8)
		return (uint8_t)(0x7f ^ mask);
	return (uint8_t)(((seg << 4) | ((v >> (seg < 2 ? 1 : seg)) & 0x0f)) ^
	                 mask);
}

static void g711_build(void)
{
	for (int i = 0; i < 256; i++) {
		media_ulaw_lin[i] = ulaw_decode((uint8_t)i);
		media_alaw_lin[i] = alaw_decode((uint8_t)i);
	}
	for (int i = 0; i < 256; i++)
		media_ulaw_alaw[i] = media_lin_alaw(media_ulaw_lin[i]);
}

void media_g711_init(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, g711_build);
}
