/**
 * @file daemon.h  The contact-center daemon behind `hotline serve`.
 *
 * Owns: the process lifecycle (libre, file-descriptor limits, signals) and
 * every long-lived object of the control loop: the center definition, the
 * routing engine and its one deadline timer, the store, the work orders
 * (src/crm, with the one timer of their deadline watch), the media relay,
 * the IVR and its prompts (loaded at start-up from server.prompts, else
 * var/prompts then build/prompts beside the binary; a set that cannot be
 * loaded is logged and the flows' numbers go to their queues; a tenant's
 * own folders, tenants[].prompts, give it a set of its own searched before
 * the server's, handed to the voice by voice_tenant_prompts()), the voice
 * channel, each tenant's statistics day (days.c: one timer per tenant for
 * its local midnight, which resets the engine's "today"), the HTTP API.
 * Tenants the API adds at run time reach crm, the days and their prompts
 * through the API's tenant hook (api_cfg.tenanth).
 *
 * Tests only: HOTLINE_TEST_NOW=<seconds since the epoch> in the
 * environment starts the IVR's clock (opening hours, and the tenants'
 * days) at that time; HOTLINE_RTP_PORTS=MIN-MAX replaces the RTP range.
 *
 * Offers: daemon_run() starts everything in order (daemon.c: the center
 * file, the store and the tenants stored by the API, the engine, crm, the
 * media relay, the IVR, the voice channel, the days, the API last), refuses
 * to start at all on a bad center file or a taken port, runs the event
 * loop until SIGINT or SIGTERM, then shuts down in order (stop the API,
 * end calls with BYE and wait for the answers at most 10 s, flush the
 * store) and returns the exit status.  A second signal during shutdown exits at once (_exit(1),
 * nothing flushed).
 *
 * Threads: daemon_run() runs the control loop on the calling thread (the
 * main thread); it returns only when the loop is over.
 */
#ifndef HOTLINE_DAEMON_H
#define HOTLINE_DAEMON_H

#define DAEMON_CENTER_DEFAULT "etc/demo.yaml"
#define DAEMON_SIP_DEFAULT "127.0.0.1:5060"
#define DAEMON_HTTP_DEFAULT "127.0.0.1:8080"
#define DAEMON_DB_DEFAULT "var/hotline.db"
#define DAEMON_WEB_DEFAULT "web/dist"
/* RTP/RTCP ports of the media relay: 4 per call, 4,096 calls, below the
 * kernel's ephemeral range (32768-60999). */
#define DAEMON_RTP_MIN 16384
#define DAEMON_RTP_MAX 32767

/** What the command line asked for; NULL means "from the center file's
 *  server: section, else the built-in default". */
struct daemon_opts {
	const char *center_path;
	const char *sip_listen;
	const char *http_listen;
	const char *db_path;
	const char *log_level;
	const char *web_dir;     /* static files at /; NULL: web/dist if it
				    exists, "" none */
};

/* --- daemon.c ------------------------------------------------------------ */

/** Run the daemon until a signal stops it.  Returns the process exit
 *  status: 0 after a clean shutdown, 1 if it could not start (the reason is
 *  printed on stderr). */
int daemon_run(const struct daemon_opts *opts);

#endif
