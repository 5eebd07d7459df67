/**
 * @file web.c  The web pages (web/dist): static files at /, read once at
 * start and served from memory, so serving never touches the disk on the
 * loop.  A path that names no file gets index.html (the pages route on
 * the client); "..", NUL and backslashes are refused; files under assets/
 * have hashed names and may be cached for a year, index.html never.
 *
 * Only regular files inside the folder are loaded (symbolic links are not
 * followed out of it: each file's real path must lie inside the folder's).
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <re_types.h>
#include <re_fmt.h>
#include <re_mem.h>
#include <re_mbuf.h>
#include <re_sa.h>
#include <re_list.h>
#include <re_hash.h>
#include <re_msg.h>
#include <re_tcp.h>
#include <re_http.h>

#include "api/api.h"
#include "core/core.h"

#define WEB_FILES_MAX 4096
#define WEB_BYTES_MAX (64u << 20)
#define WEB_DEPTH_MAX 8

struct web_file {
	struct le he;
	char *path;       /* "/assets/app-1234.js" */
	uint8_t *data;
	size_t len;
	const char *ctype;
	bool immutable;
};

struct api_web {
	struct hash *files;
	char root[PATH_MAX];
	size_t bytes, n;
	struct web_file *index;
};

static const struct {
	const char *ext, *type;
} types[] = {
	{".html", "text/html; charset=utf-8"},
	{".js", "text/javascript; charset=utf-8"},
	{".mjs", "text/javascript; charset=utf-8"},
	{".css", "text/css; charset=utf-8"},
	{".json", "application/json"},
	{".svg", "image/svg+xml"},
	{".png", "image/png"},
	{".jpg", "image/jpeg"},
	{".ico", "image/x-icon"},
	{".woff2", "font/woff2"},
	{".woff", "font/woff"},
	{".txt", "text/plain; charset=utf-8"},
	{".map", "application/json"},
	{".wav", "audio/wav"},
};

static const char *ctype_of(const char *path)
{
	const char *dot = strrchr(path, '.');

	for (size_t i = 0; dot && i < ARRAY_LEN(types); i++) {
		if (!strcasecmp(dot, types[i].ext))
			return types[i].type;
	}
	return "application/octet-stream";
}

static void file_destructor(void *arg)
{
	struct web_file *f = arg;

	hash_unlink(&f->he);
	mem_deref(f->path);
	mem_deref(f->data);
}

static bool file_cmp(struct le *le, void *arg)
{
	const struct web_file *f = le->data;

	return !strcmp(f->path, arg);
}

static struct web_file *file_find(const struct api_web *w, const char *path)
{
	struct le *le = hash_lookup(w->files, hash_joaat_str(path), file_cmp,
				    (void *)path);

	return le ? le->data : NULL;
}

static int load_file(struct api_web *w, const char *full, const char *rel)
{
	char real[PATH_MAX];
	struct web_file *f;
	struct stat st;
	FILE *fp;
	size_t rootlen = strlen(w->root);

	if (!realpath(full, real) || strncmp(real, w->root, rootlen) ||
	    real[rootlen] != '/')
		return 0; /* outside the folder: skipped */
	if (stat(real, &st) || !S_ISREG(st.st_mode))
		return 0;
	if (w->n >= WEB_FILES_MAX || w->bytes + (size_t)st.st_size >
					     WEB_BYTES_MAX)
		return EFBIG;
	f = mem_zalloc(sizeof(*f), file_destructor);
	if (!f)
		return ENOMEM;
	f->len = (size_t)st.st_size;
	f->data = mem_alloc(f->len ? f->len : 1, NULL);
	if (!f->data || str_dup(&f->path, rel)) {
		mem_deref(f);
		return ENOMEM;
	}
	fp = fopen(real, "rb");
	if (!fp || fread(f->data, 1, f->len, fp) != f->len) {
		if (fp)
			fclose(fp);
		mem_deref(f);
		return EIO;
	}
	fclose(fp);
	f->ctype = ctype_of(rel);
	f->immutable = !strncmp(rel, "/assets/", 8);
	hash_append(w->files, hash_joaat_str(f->path), &f->he, f);
	w->bytes += f->len;
	w->n++;
	return 0;
}

static int load_dir(struct api_web *w, const char *dir, const char *rel,
		    int depth)
{
	DIR *d;
	struct dirent *e;
	int err = 0;

	if (depth > WEB_DEPTH_MAX)
		return 0;
	d = opendir(dir);
	if (!d)
		return errno;
	while (!err && (e = readdir(d))) {
		char full[PATH_MAX], r[PATH_MAX];
		struct stat st;

		if (e->d_name[0] == '.')
			continue; /* ., .., and hidden files */
		if (snprintf(full, sizeof(full), "%s/%s", dir, e->d_name) >=
			    (int)sizeof(full) ||
		    snprintf(r, sizeof(r), "%s/%s", rel, e->d_name) >=
			    (int)sizeof(r))
			continue;
		if (stat(full, &st))
			continue;
		if (S_ISDIR(st.st_mode))
			err = load_dir(w, full, r, depth + 1);
		else
			err = load_file(w, full, r);
	}
	closedir(d);
	return err;
}

static void web_destructor(void *arg)
{
	struct api_web *w = arg;

	hash_flush(w->files);
	mem_deref(w->files);
}

int api_web_alloc(struct api_web **wp, const char *dir)
{
	struct api_web *w;
	int err;

	if (!wp || !dir)
		return EINVAL;
	w = mem_zalloc(sizeof(*w), web_destructor);
	if (!w)
		return ENOMEM;
	if (!realpath(dir, w->root)) {
		err = errno;
		goto out;
	}
	err = hash_alloc(&w->files, 256);
	if (!err)
		err = load_dir(w, w->root, "", 0);
	if (err)
		goto out;
	w->index = file_find(w, "/index.html");
	HL_INFO("api", "web pages: %zu files (%zu KiB) from %s%s", w->n,
		w->bytes / 1024, w->root,
		w->index ? "" : " (no index.html)");
out:
	if (err)
		mem_deref(w);
	else
		*wp = w;
	return err;
}

void api_web_serve(struct api_web *w, struct api_req *req,
		   const struct http_msg *msg)
{
	char path[1024], cache[96];
	const struct web_file *f;
	bool head = !pl_strcmp(&msg->met, "HEAD");
	int err;

	if (!head && pl_strcmp(&msg->met, "GET")) {
		api_reply_error_extra(req, 405, "Allow: GET, HEAD\r\n",
				      "method_not_allowed",
				      "the web pages are read-only");
		return;
	}
	err = api_unescape(path, sizeof(path), msg->path.p, msg->path.l,
			   false);
	if (err || path[0] != '/' || strstr(path, "/..") ||
	    strchr(path, '\\')) {
		api_reply_error(req, 400, "bad_path", "bad path");
		return;
	}
	f = file_find(w, path);
	if (!f && path[strlen(path) - 1] == '/') {
		/* a folder: its index.html */
		strncat(path, "index.html", sizeof(path) - strlen(path) - 1);
		f = file_find(w, path);
	}
	/* client-side routes: the page itself, unless it names a file
	 * (an asset that does not exist is a plain 404) */
	if (!f && strncmp(path, "/assets/", 8))
		f = w->index;
	if (!f) {
		api_reply_error(req, 404, "not_found", "no such file");
		return;
	}
	snprintf(cache, sizeof(cache), "Cache-Control: %s\r\n",
		 f->immutable ? "public, max-age=31536000, immutable"
			      : "no-cache");
	api_reply_body(req, 200, f->ctype, cache, f->data, f->len, head);
}
