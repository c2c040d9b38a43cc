/* SPDX-License-Identifier: GPL-2.0 */
/* The body of json_fast.cc, included once per simdjson kernel (inside a namespace where
 * `ondemand` names that kernel's On-Demand API): the fields replay reads, from one line. */
/* Copies n bytes of a string's text into the arena, NUL-terminated, and points *out at it. */
static bool keep(struct arena *p, const char *s, size_t n, const char **out)
{
	if (p->used + n + 1 > p->cap)
		return false;
	memcpy(p->buf + p->used, s, n);
	p->buf[p->used + n] = 0;
	*out = p->buf + p->used;
	p->used += n + 1;
	return true;
}

/* A string left in the line: *out points at its text, and its closing quote becomes its NUL
 * once the whole line has been read (the_end). Copied when the list of them is full. */
static bool in_place(struct arena *p, const char *s, size_t n, const char **out)
{
	if (p->nends == ARENA_ENDS)
		return keep(p, s, n, out);
	p->ends[p->nends++] = (size_t)(s + n - p->line);
	*out = s;
	return true;
}

/* The line read: each string left in it ends at its closing quote (the line is no longer
 * JSON after this). */
static void the_end(struct arena *p)
{
	for (int i = 0; i < p->nends; i++)
		p->line[p->ends[i]] = 0;
}

/* A string member: true with *out set (NULL for null), false for any other type or error.
 * A string with no backslash is its raw text (stage 1 checked its UTF-8 and that it has no
 * control characters), left where it is; only one with escapes is unescaped by simdjson,
 * into the arena. */
static bool str(struct arena *p, ondemand::value v, const char **out)
{
	std::string_view raw = v.raw_json_token(), sv;
	error_code e;

	if (!raw.empty() && raw[0] == '"') {
		size_t n = raw.size();

		while (n > 1 && raw[n - 1] != '"') /* the whitespace after the token */
			n--;
		if (n >= 2 && !memchr(raw.data() + 1, '\\', n - 2))
			return in_place(p, raw.data() + 1, n - 2, out);
	}
	e = v.get_string().get(sv);
	if (e == INCORRECT_TYPE) { /* the value is left as it was: null is the other answer */
		bool null;

		*out = nullptr;
		return !v.is_null().get(null) && null;
	}
	return !e && keep(p, sv.data(), sv.size(), out);
}

/* source.port: an integer kept as a number (json-c gives its decimal text, which replay reads
 * with strtoul: the same value mod 2^32 for any int64), a string as a string. */
static bool port(struct arena *p, ondemand::value v, const char **out)
{
	ondemand::json_type t;
	int64_t n;

	p->port_is_int = false; /* the last "port" is the one, as for json-c */
	if (v.type().get(t))
		return false;
	if (t != ondemand::json_type::number)
		return str(p, v, out);
	if (v.get_int64().get(n))
		return false;
	p->port_is_int = true;
	p->port_int = (uint32_t)n;
	*out = "";
	return true;
}

/* Whether a key (its raw text, escapes as written, from just after its opening quote) is the
 * name: its first len bytes, then the closing quote. Stage 1 closed the string, and a name
 * longer than the key stops at the quote or reads into the padding after the line. */
static inline bool key_is(ondemand::raw_json_string key, const char *name, size_t len)
{
	const char *r = key.raw();

	return r[0] == name[0] && r[len] == '"' && !memcmp(r + 1, name + 1, len - 1);
}

/* A name known at compile time: its length too. */
template <size_t L> static inline bool key_is(ondemand::raw_json_string key, const char (&name)[L])
{
	return key_is(key, name, L - 1);
}

struct member {
	const char *key;
	size_t len;
	const char **out;
	bool is_port;
};

#define MEMBER(name, out, is_port) { name, sizeof(name) - 1, out, is_port }

/* The members of one object value; a value that is not an object has none (as for json-c). */
template <size_t N>
static bool pick(struct arena *p, ondemand::value v, const member (&m)[N])
{
	ondemand::object o;
	uint64_t firsts = 0;

	for (const member &x : m)
		*x.out = nullptr;
	if (error_code e = v.get_object().get(o)) /* a value that is not an object is left */
		return e == INCORRECT_TYPE; /* as it is, stepped over when the next member is read */
	for (const member &x : m) /* the members' first bytes, mod 64: most keys need no compare */
		firsts |= 1ULL << (x.key[0] & 63);
	for (auto field : o) {
		ondemand::raw_json_string key;
		bool ok = true;

		if (field.error() || field.key().get(key))
			return false;
		if (!(firsts >> (*key.raw() & 63) & 1))
			continue; /* stepped over when the next member is read */
		for (const member &x : m)
			if (key_is(key, x.key, x.len)) {
				ondemand::value fv;

				if (field.value().get(fv))
					return false;
				ok = x.is_port ? port(p, fv, x.out) : str(p, fv, x.out);
				break;
			}
		if (!ok)
			return false;
	}
	return true;
}

/* One member of the record's object. A switch on the key's first byte first: most keys are
 * then compared once, or not at all. */
static bool member_of_root(struct arena *p, ondemand::raw_json_string key, ondemand::value v,
			   struct rec_fields *f)
{
	switch (*key.raw()) {
	case 't':
		if (key_is(key, "type"))
			return str(p, v, &f->type);
		if (key_is(key, "timestamp"))
			return str(p, v, &f->samba_ts);
		break;
	case '@':
		if (key_is(key, "@timestamp"))
			return str(p, v, &f->ts);
		break;
	case 'A':
		if (key_is(key, "Authentication")) {
			const member m[] = { MEMBER("status", &f->status, false),
					     MEMBER("remoteAddress", &f->remote, false),
					     MEMBER("clientAccount", &f->account, false),
					     MEMBER("clientDomain", &f->domain, false),
					     MEMBER("workstation", &f->ws, false) };

			f->has_auth = true;
			return pick(p, v, m);
		}
		break;
	case 'e':
		if (key_is(key, "event")) {
			const member m[] = { MEMBER("dataset", &f->dataset, false) };

			return pick(p, v, m);
		}
		break;
	case 'u':
		if (key_is(key, "user")) {
			const member m[] = { MEMBER("name", &f->user, false),
					     MEMBER("domain", &f->udomain, false) };

			return pick(p, v, m);
		}
		break;
	case 's':
		if (key_is(key, "source")) {
			const member m[] = { MEMBER("ip", &f->ip, false), MEMBER("port", &f->port, true) };

			return pick(p, v, m);
		}
		if (key_is(key, "smbwatch")) {
			const member m[] = { MEMBER("nt_status_code", &f->code, false),
					     MEMBER("workstation", &f->swws, false),
					     MEMBER("share", &f->share, false),
					     MEMBER("unc", &f->unc, false) };

			return pick(p, v, m);
		}
		break;
	case 'f':
		if (key_is(key, "file")) {
			const member m[] = { MEMBER("path", &f->path, false) };

			return pick(p, v, m);
		}
		break;
	}
	return true; /* stepped over */
}

static enum jf_result fields(ondemand::parser &parser, struct arena *p, char *json,
			     size_t len, struct rec_fields *f)
{
	ondemand::document doc;
	ondemand::object o;
	const char *loc;

	*f = {};
	p->line = json;
	p->nends = 0;
	if (parser.iterate(padded_string_view(json, len, len + JF_PADDING)).get(doc) ||
	    doc.get_object().get(o))
		return JF_SLOW;
	for (auto field : o) {
		ondemand::raw_json_string key;
		ondemand::value v;

		if (field.error() || field.key().get(key) || field.value().get(v) ||
		    !member_of_root(p, key, v, f))
			return JF_SLOW;
	}
	/* the object must end the line: "at the end" is an error here */
	if (!doc.current_location().get(loc))
		return JF_SLOW;
	the_end(p);
	return JF_OK;
}
