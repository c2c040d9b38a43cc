/* SPDX-License-Identifier: GPL-2.0 */
/* The body of json_fast.cc, included once per simdjson kernel (inside a namespace where
 * `ondemand` names that kernel's On-Demand API): the fields replay reads, from one line. */
/* A string member: true with *out set (NULL for null), false for any other type or error. */
static bool str(struct arena *p, ondemand::value v, const char **out)
{
	ondemand::json_type t;
	std::string_view sv;

	if (v.type().get(t))
		return false;
	if (t == ondemand::json_type::null) {
		*out = nullptr;
		return !v.is_null().error();
	}
	if (t != ondemand::json_type::string || v.get_string().get(sv) ||
	    p->used + sv.size() + 1 > p->cap)
		return false;
	memcpy(p->buf + p->used, sv.data(), sv.size());
	p->buf[p->used + sv.size()] = 0;
	*out = p->buf + p->used;
	p->used += sv.size() + 1;
	return true;
}

/* source.port: json-c gives an integer as its decimal text. */
static bool port(struct arena *p, ondemand::value v, const char **out)
{
	ondemand::json_type t;
	int64_t n;

	if (v.type().get(t))
		return false;
	if (t != ondemand::json_type::number)
		return str(p, v, out);
	if (v.get_int64().get(n))
		return false;
	{ /* its decimal text, as "%lld" writes it */
		char *e = p->port + sizeof(p->port) - 1, *d = e;
		uint64_t u = n < 0 ? 0 - (uint64_t)n : (uint64_t)n;

		*d = 0;
		do
			*--d = (char)('0' + u % 10);
		while (u /= 10);
		if (n < 0)
			*--d = '-';
		*out = d;
	}
	return true;
}

struct member {
	const char *key;
	const char **out;
	bool is_port;
};

/* The members of one object value; a value that is not an object has none (as for json-c). */
template <size_t N>
static bool pick(struct arena *p, ondemand::value v, const member (&m)[N])
{
	ondemand::json_type t;
	ondemand::object o;

	for (const member &x : m)
		*x.out = nullptr;
	if (v.type().get(t))
		return false;
	if (t != ondemand::json_type::object)
		return true; /* stepped over when the next member is read */
	if (v.get_object().get(o))
		return false;
	for (auto field : o) {
		ondemand::raw_json_string key;
		bool ok = true;

		if (field.error() || field.key().get(key))
			return false;
		for (const member &x : m)
			if (*key.raw() == x.key[0] && key.unsafe_is_equal(x.key)) {
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
		if (key.unsafe_is_equal("type"))
			return str(p, v, &f->type);
		if (key.unsafe_is_equal("timestamp"))
			return str(p, v, &f->samba_ts);
		break;
	case '@':
		if (key.unsafe_is_equal("@timestamp"))
			return str(p, v, &f->ts);
		break;
	case 'A':
		if (key.unsafe_is_equal("Authentication")) {
			const member m[] = { { "status", &f->status, false },
					     { "remoteAddress", &f->remote, false },
					     { "clientAccount", &f->account, false },
					     { "clientDomain", &f->domain, false },
					     { "workstation", &f->ws, false } };

			f->has_auth = true;
			return pick(p, v, m);
		}
		break;
	case 'e':
		if (key.unsafe_is_equal("event")) {
			const member m[] = { { "dataset", &f->dataset, false } };

			return pick(p, v, m);
		}
		break;
	case 'u':
		if (key.unsafe_is_equal("user")) {
			const member m[] = { { "name", &f->user, false },
					     { "domain", &f->udomain, false } };

			return pick(p, v, m);
		}
		break;
	case 's':
		if (key.unsafe_is_equal("source")) {
			const member m[] = { { "ip", &f->ip, false }, { "port", &f->port, true } };

			return pick(p, v, m);
		}
		if (key.unsafe_is_equal("smbwatch")) {
			const member m[] = { { "nt_status_code", &f->code, false },
					     { "workstation", &f->swws, false },
					     { "share", &f->share, false },
					     { "unc", &f->unc, false } };

			return pick(p, v, m);
		}
		break;
	case 'f':
		if (key.unsafe_is_equal("file")) {
			const member m[] = { { "path", &f->path, false } };

			return pick(p, v, m);
		}
		break;
	}
	return true; /* stepped over */
}

static enum jf_result fields(ondemand::parser &parser, struct arena *p, const char *json,
			     size_t len, struct rec_fields *f)
{
	ondemand::document doc;
	ondemand::object o;
	const char *loc;

	*f = {};
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
	return doc.current_location().get(loc) ? JF_OK : JF_SLOW;
}
