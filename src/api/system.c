/**
 * @file system.c  Routes about the daemon itself.
 */
#include <jansson.h>

#include "api/api.h"
#include "core/core.h"

void api_health(struct api_req *req)
{
	api_reply_json(req, 200,
		       json_pack("{s:s,s:s,s:I}", "status", "ok", "version",
				 HOTLINE_VERSION, "uptime_s",
				 (json_int_t)(api_uptime_ms(req) / 1000)));
}
