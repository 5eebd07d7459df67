/**
 * @file http.c  An http node's lookup: a request to the tenant's own
 * system with libre's HTTP client on the loop, its JSON answer parsed with
 * jansson, fields kept as variables and one field branched on.
 *
 * The caller is never left in silence by a broken service: the session
 * arms a timer of the node's timeout beside the request, and anything but
 * a 2xx answer whose body is a JSON object (refused connection, timeout,
 * error status, HTML, truncated or huge body) is the node's error branch,
 * which plays an apology first.
 */
#include <errno.h>
#include <string.h>

#include "core/core.h"
#include "ivr/ivr_int.h"

#define BODY_MAX (64u * 1024u) /* a lookup's answer is small */

static const struct center_node *cur(const struct ivr_session *s)
{
	return &s->flow->nodes[s->node];
}

/* Percent-encode v (RFC 3986 unreserved characters stay). */
static int put_encoded(struct mbuf *mb, const char *v)
{
	static const char hex[] = "0123456789ABCDEF";
	int err = 0;

	for (const unsigned char *p = (const unsigned char *)v; *p && !err;
	     p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		    (*p >= '0' && *p <= '9') || strchr("-._~", *p)) {
			err = mbuf_write_u8(mb, *p);
		} else {
			err = mbuf_write_u8(mb, '%');
			err |= mbuf_write_u8(mb, (uint8_t)hex[*p >> 4]);
			err |= mbuf_write_u8(mb, (uint8_t)hex[*p & 15]);
		}
	}
	return err;
}

/* The node's URL with every ${name} replaced by the variable's value,
 * encoded (an unset variable is empty). */
static int build_url(const struct ivr_session *s, const char *tmpl, char **urlp)
{
	struct mbuf *mb = mbuf_alloc(256);
	const char *p = tmpl;
	int err = 0;

	if (!mb)
		return ENOMEM;
	while (*p && !err) {
		const char *e;
		char name[72];
		size_t len;

		if (p[0] != '$' || p[1] != '{' || !(e = strchr(p + 2, '}'))) {
			err = mbuf_write_u8(mb, (uint8_t)*p++);
			continue;
		}
		len = (size_t)(e - p - 2);
		if (len >= sizeof(name)) {
			err = EINVAL; /* refused at load */
			break;
		}
		memcpy(name, p + 2, len);
		name[len] = '\0';
		if (ivr_session_var(s, name))
			err = put_encoded(mb, ivr_session_var(s, name));
		p = e + 1;
	}
	if (!err) {
		mb->pos = 0;
		err = mbuf_strdup(mb, urlp, mb->end);
	}
	mem_deref(mb);
	return err;
}

/* libre calls this once: with the answer, or an error (connection
 * refused, reset, its own timeouts); *reqp is already NULL. */
static void resp_handler(int err, const struct http_msg *msg, void *arg)
{
	struct ivr_session *s = arg;
	json_error_t jerr;
	json_t *j = NULL;

	if (s->phase != PH_HTTP)
		return;
	if (!err && !msg)
		err = EPROTO;
	if (!err && (msg->scode < 200 || msg->scode > 299)) {
		HL_WARN("ivr", "%s: lookup %s: status %u", s->id, cur(s)->name,
		        msg->scode);
		err = EBADMSG;
	}
	if (!err && (!msg->mb || mbuf_get_left(msg->mb) > BODY_MAX)) {
		HL_WARN("ivr", "%s: lookup %s: no body or over %u bytes", s->id,
		        cur(s)->name, BODY_MAX);
		err = EBADMSG;
	}
	if (!err) {
		j = json_loadb((const char *)mbuf_buf(msg->mb),
		               mbuf_get_left(msg->mb), JSON_REJECT_DUPLICATES,
		               &jerr);
		if (!j || !json_is_object(j)) {
			HL_WARN("ivr",
			        "%s: lookup %s: the answer is not a JSON "
			        "object (%s)",
			        s->id, cur(s)->name,
			        j ? "another JSON value" : jerr.text);
			json_decref(j);
			j = NULL;
			err = EBADMSG;
		}
	} else if (err != EBADMSG) {
		HL_WARN("ivr", "%s: lookup %s failed: %s", s->id, cur(s)->name,
		        strerror(err));
	}
	s->answer = j;
	s->http_err = err;
	s->ev_http = true;
	ivr_session_run(s);
}

/* The URL for the log, the value of a token= parameter hidden (an API
 * key of the center file may be in it). */
static const char *url_for_log(const char *url, char *buf, size_t sz)
{
	const char *p = url, *q;
	size_t n = 0;

	while (n + 1 < sz && *p) {
		if ((p == url || p[-1] == '?' || p[-1] == '&') &&
		    !strncmp(p, "token=", 6)) {
			q = p + 6;
			while (*q && *q != '&' && *q != '#')
				q++;
			n += (size_t)snprintf(buf + n, sz - n, "token=***");
			if (n >= sz)
				break;
			p = q;
			continue;
		}
		buf[n++] = *p++;
	}
	buf[n < sz ? n : sz - 1] = '\0';
	return buf;
}

int ivr_lookup_start(struct ivr_session *s)
{
	char logbuf[512];
	const struct center_node *n = cur(s);
	char *url = NULL, *body = NULL;
	int err;

	ivr_lookup_cancel(s);
	err = build_url(s, n->url, &url);
	if (err)
		goto out;
	if (n->method == CENTER_HTTP_POST) {
		json_t *vars = ivr_vars_json(s);

		body = vars ? json_dumps(vars, JSON_COMPACT) : NULL;
		json_decref(vars);
		if (!body) {
			err = ENOMEM;
			goto out;
		}
		err = http_request(&s->req, s->ivr->http, "POST", url,
		                   resp_handler, NULL, s,
		                   "Accept: application/json\r\n"
		                   "Connection: close\r\n"
		                   "Content-Type: application/json\r\n"
		                   "Content-Length: %zu\r\n"
		                   "\r\n"
		                   "%s",
		                   strlen(body), body);
	} else {
		err = http_request(&s->req, s->ivr->http, "GET", url,
		                   resp_handler, NULL, s,
		                   "Accept: application/json\r\n"
		                   "Connection: close\r\n"
		                   "\r\n");
	}
	HL_DEBUG("ivr", "%s: lookup %s: %s %s", s->id, n->name,
	         n->method == CENTER_HTTP_POST ? "POST" : "GET",
	         url_for_log(url, logbuf, sizeof(logbuf)));
out:
	if (err)
		HL_WARN("ivr", "%s: lookup %s: cannot send %s: %s", s->id,
		        n->name,
		        url_for_log(url ? url : n->url, logbuf, sizeof(logbuf)),
		        strerror(err));
	free(body); /* json_dumps uses malloc */
	mem_deref(url);
	return err;
}

void ivr_lookup_cancel(struct ivr_session *s)
{
	s->req = mem_deref(s->req);
	json_decref(s->answer);
	s->answer = NULL;
	s->http_err = 0;
}

/* The value at "a.b.0.c" of the answer, or NULL. */
static json_t *json_at(json_t *j, const char *path)
{
	char seg[130];

	while (j && *path) {
		size_t len = strcspn(path, ".");

		if (len >= sizeof(seg))
			return NULL;
		memcpy(seg, path, len);
		seg[len] = '\0';
		path += len + (path[len] == '.');
		if (json_is_object(j)) {
			j = json_object_get(j, seg);
		} else if (json_is_array(j) && seg[0] >= '0' && seg[0] <= '9') {
			j = json_array_get(j, strtoul(seg, NULL, 10));
		} else {
			return NULL;
		}
	}
	return j;
}

/* A JSON value as a variable's text; *freep is set when it was made. */
static const char *json_text(json_t *j, char *buf, size_t sz, char **freep)
{
	*freep = NULL;
	switch (json_typeof(j)) {
	case JSON_STRING:
		return json_string_value(j);
	case JSON_INTEGER:
		snprintf(buf, sz, "%" JSON_INTEGER_FORMAT,
		         json_integer_value(j));
		return buf;
	case JSON_REAL:
		snprintf(buf, sz, "%.15g", json_real_value(j));
		return buf;
	case JSON_TRUE:
		return "true";
	case JSON_FALSE:
		return "false";
	case JSON_NULL:
		return "";
	default:
		*freep = json_dumps(j, JSON_COMPACT);
		return *freep ? *freep : "";
	}
}

size_t ivr_lookup_apply(struct ivr_session *s)
{
	const struct center_node *n = cur(s);
	size_t next = n->next.node;
	char buf[64], *dumped;

	for (size_t i = 0; i < n->nstore; i++) {
		json_t *v = json_at(s->answer, n->store[i].path);

		ivr_var_set(s, n->store[i].var,
		            v ? json_text(v, buf, sizeof(buf), &dumped) : "");
		if (v)
			free(dumped);
	}
	if (n->switch_path) {
		json_t *v = json_at(s->answer, n->switch_path);
		const char *text =
		    v ? json_text(v, buf, sizeof(buf), &dumped) : NULL;

		for (size_t i = 0; text && i < n->ncases; i++) {
			if (!strcmp(n->cases[i].value, text)) {
				next = n->cases[i].to.node;
				break;
			}
		}
		if (v)
			free(dumped);
	}
	json_decref(s->answer);
	s->answer = NULL;
	return next;
}
