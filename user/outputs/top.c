// SPDX-License-Identifier: GPL-2.0
/* smbwatch top: who is failing what on this server, live. A curses view (or --batch plain text)
 * over the tracer's events and the detector's findings. Terminal hygiene: the screen is given
 * back on every way out (q, SIGINT, SIGTERM, an error: the tracer calls stopped(), and an atexit
 * handler catches the rest), and stderr goes to a temporary file while curses owns the screen,
 * then is shown after. */
#include <curses.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "detect/detect.h"
#include "outputs/json_out.h"
#include "decode/ntstatus.h"
#include "common/record.h"
#include "decode/smb2_record.h"
#include "outputs/text_out.h"
#include "outputs/top.h"
#include "outputs/top_model.h"
#include "live/tracer.h"

struct top {
	const struct smbw_opts *o;
	const struct smbw_ctx *ctx;
	struct top_model m;
	struct smbw_stats st;
	uint64_t start_ns;
	enum top_sort sort;
	char filter[128];
	bool editing; /* typing a filter */
	char edit[128];
	bool paused, detail, help, color;
	int sel, scroll;
	unsigned long refreshes;
	const struct top_row *view[TOP_MAX_ROWS];
	int nview;
	char detail_key[256]; /* ip|account of the row shown in the detail pane */
	int saved_stderr;
	FILE *errlog;
};

static bool curses_on;

static void curses_off(void)
{
	if (curses_on) {
		endwin();
		curses_on = false;
	}
}

static void uptime(const struct top *t, char *buf, size_t n)
{
	uint64_t s = (smbw_mono_now_ns() - t->start_ns) / 1000000000ULL;

	snprintf(buf, n, "%02llu:%02llu:%02llu", (unsigned long long)(s / 3600),
		 (unsigned long long)(s / 60 % 60), (unsigned long long)(s % 60));
}

/* The three header lines, for both the screen and --batch. */
static void header_lines(const struct top *t, char lines[3][512])
{
	char up[32];

	uptime(t, up, sizeof(up));
	snprintf(lines[0], 512, "smbwatch top - %s - Samba %s - up %s - every %lus%s",
		 t->ctx->hostname, t->ctx->samba_version, up, t->o->interval_s,
		 t->paused ? " - PAUSED" : "");
	snprintf(lines[1], 512,
		 "logons %llu ok, %llu failed | failed lookups %llu | open findings %d | "
		 "dropped %llu",
		 (unsigned long long)t->m.logons_ok, (unsigned long long)t->m.logons_failed,
		 (unsigned long long)t->m.lookups_failed, t->m.open_findings,
		 (unsigned long long)t->st.dropped);
	snprintf(lines[2], 512, "sort: %s (s < >)  filter: %s (/)  %d row(s)  h: help  q: quit",
		 top_sort_name(t->sort), t->filter[0] ? t->filter : "none", t->nview);
}

static void refresh_view(struct top *t)
{
	t->nview = top_model_view(&t->m, t->sort, t->filter, t->view, TOP_MAX_ROWS);
	if (t->sel >= t->nview)
		t->sel = t->nview ? t->nview - 1 : 0;
	if (t->sel < 0)
		t->sel = 0;
}

static void print_trimmed(char *line)
{
	size_t n = strlen(line);

	while (n && line[n - 1] == ' ')
		line[--n] = 0;
	printf("%s\n", line);
}

static void batch_print(struct top *t)
{
	char lines[3][512], line[2048];
	int i;

	refresh_view(t);
	header_lines(t, lines);
	printf("%s\n%s\n%s\n", lines[0], lines[1], lines[2]);
	top_format_header(line, sizeof(line), 120, t->sort);
	print_trimmed(line);
	for (i = 0; i < t->nview; i++) {
		top_format_row(line, sizeof(line), 120, t->view[i]);
		print_trimmed(line);
	}
	printf("\n");
	fflush(stdout);
}

static const struct top_row *selected(const struct top *t)
{
	return t->nview ? t->view[t->sel] : NULL;
}

static void put_line(int y, const char *s, int attr)
{
	if (y >= LINES)
		return;
	attron(attr);
	mvaddnstr(y, 0, s, COLS);
	clrtoeol();
	attroff(attr);
}

static void draw_detail(const struct top *t, int y0)
{
	const struct top_row *r = selected(t);
	char line[2048], esc[900], sb[32];
	int y = y0, i;

	if (!r)
		return;
	text_escape(r->account, strlen(r->account), esc, sizeof(esc));
	snprintf(line, sizeof(line), "%s from %s (%s): %llu logon(s) ok, %llu failed, %llu failed "
				     "lookup(s)%s",
		 esc, r->ip, r->workstation[0] ? r->workstation : "-",
		 (unsigned long long)r->logons_ok, (unsigned long long)r->logons_failed,
		 (unsigned long long)r->lookups_failed, r->finding ? " - FINDING" : "");
	put_line(y++, line, A_BOLD);
	if (r->lockout_remaining >= 0) {
		snprintf(line, sizeof(line), "lockout: %d more bad password(s)",
			 r->lockout_remaining);
		put_line(y++, line, 0);
	}
	put_line(y++, "missing files (count share path):", A_UNDERLINE);
	for (i = 0; i < r->nfiles && y < LINES - 1; i++) {
		text_escape(r->files[i].path, strlen(r->files[i].path), esc, sizeof(esc));
		snprintf(line, sizeof(line), "  %6llu %-10s %s",
			 (unsigned long long)r->files[i].count, r->files[i].share, esc);
		put_line(y++, line, 0);
	}
	if (y < LINES - 1) {
		size_t o = (size_t)snprintf(line, sizeof(line), "statuses:");

		for (i = 0; i < r->nstatuses && o < sizeof(line); i++)
			o += (size_t)snprintf(line + o, sizeof(line) - o, " %s x%llu",
					      ntstatus_str(r->statuses[i].status, sb, sizeof(sb)),
					      (unsigned long long)r->statuses[i].count);
		put_line(y++, line, 0);
	}
	if (y < LINES - 1)
		put_line(y++, "recent:", A_UNDERLINE);
	for (i = r->nrecent - 1; i >= 0 && y < LINES - 1; i--) {
		text_escape(r->recent[i], strlen(r->recent[i]), esc, sizeof(esc));
		snprintf(line, sizeof(line), "  %s", esc);
		put_line(y++, line, 0);
	}
	put_line(LINES - 1, "Enter or Esc: back", A_REVERSE);
}

static void draw_help(void)
{
	static const char *help[] = {
		"smbwatch top - keys",
		"  q          quit",
		"  s  >       sort by the next column;  <  the previous one",
		"  /          filter by text (account, client, workstation, file); Enter applies",
		"  p          pause or resume the display",
		"  Enter      details of the selected row: missing files, statuses, recent events",
		"  Up Down    move the selection (also k j, PgUp PgDn)",
		"  h ?        this help; Esc closes it",
		"",
		"A row marked ! has an open finding (lockout risk, failed lookups, PATH search).",
		"LOCK: bad passwords left before lockout (--lockout-threshold), - when unknown.",
	};
	size_t i;

	for (i = 0; i < sizeof(help) / sizeof(help[0]); i++)
		put_line((int)i + 1, help[i], i ? 0 : A_BOLD);
}

static void draw(struct top *t)
{
	char lines[3][512], line[2048];
	int y, i, rows_room;

	if (!curses_on)
		return;
	refresh_view(t);
	erase();
	if (t->help) {
		draw_help();
		refresh();
		return;
	}
	header_lines(t, lines);
	for (i = 0; i < 3; i++)
		put_line(i, lines[i], i ? 0 : A_BOLD);
	if (t->detail) {
		draw_detail(t, 4);
		refresh();
		return;
	}
	top_format_header(line, sizeof(line), COLS, t->sort);
	put_line(3, line, A_REVERSE);
	rows_room = LINES - 5;
	if (rows_room < 1)
		rows_room = 1;
	if (t->sel < t->scroll)
		t->scroll = t->sel;
	if (t->sel >= t->scroll + rows_room)
		t->scroll = t->sel - rows_room + 1;
	for (y = 4, i = t->scroll; i < t->nview && y < LINES - 1; i++, y++) {
		int attr = 0;

		top_format_row(line, sizeof(line), COLS, t->view[i]);
		if (t->view[i]->finding)
			attr |= t->color ? COLOR_PAIR(1) | A_BOLD : A_BOLD;
		if (i == t->sel)
			attr |= A_REVERSE;
		put_line(y, line, attr);
	}
	if (t->editing) {
		snprintf(line, sizeof(line), "filter: %s_  (Enter: apply, Esc: cancel)", t->edit);
		put_line(LINES - 1, line, A_REVERSE);
	}
	refresh();
}

/* ---- tracer_view callbacks ---- */

static int started(void *arg, const struct smbw_ctx *ctx)
{
	struct top *t = arg;

	t->ctx = ctx;
	t->start_ns = smbw_mono_now_ns();
	if (t->o->batch)
		return 0;
	/* keep stderr (libbpf, warnings) off the screen while curses owns it */
	fflush(stderr);
	t->errlog = tmpfile();
	t->saved_stderr = dup(STDERR_FILENO);
	if (t->errlog && t->saved_stderr >= 0)
		dup2(fileno(t->errlog), STDERR_FILENO);
	if (!initscr()) {
		fprintf(stderr, "smbwatch: cannot start the terminal view (TERM=%s)\n",
			getenv("TERM") ? getenv("TERM") : "");
		return 1;
	}
	curses_on = true;
	cbreak();
	noecho();
	keypad(stdscr, TRUE);
	nodelay(stdscr, TRUE);
	curs_set(0);
	t->color = has_colors() && !t->o->no_color && !getenv("NO_COLOR");
	if (t->color) {
		start_color();
		use_default_colors();
		init_pair(1, COLOR_RED, -1);
	}
	draw(t);
	return 0;
}

static void stopped(void *arg)
{
	struct top *t = arg;
	char buf[4096];
	size_t n;

	curses_off();
	if (t->errlog && t->saved_stderr >= 0) {
		dup2(t->saved_stderr, STDERR_FILENO);
		close(t->saved_stderr);
		t->saved_stderr = -1;
		rewind(t->errlog);
		while ((n = fread(buf, 1, sizeof(buf), t->errlog)) > 0)
			fwrite(buf, 1, n, stderr);
		fclose(t->errlog);
		t->errlog = NULL;
	}
}

static void on_auth(void *arg, const struct smbw_ctx *ctx, const struct smbw_auth_event *e)
{
	struct top *t = arg;
	char ip[64];

	top_model_logon(&t->m, smbw_real_us(ctx, e->ts_ns), smbw_addr_ip(&e->remote, ip, sizeof(ip)),
			e->account, e->domain, e->workstation, e->status);
}

static void on_smb2(void *arg, const struct smbw_ctx *ctx, const struct smb2_record *r)
{
	struct top *t = arg;
	char ip[64];

	if (r->e->status == 0)
		return;
	top_model_lookup(&t->m, smbw_real_us(ctx, r->e->ts_ns),
			 smbw_addr_ip(&r->e->remote, ip, sizeof(ip)), r->user, r->domain,
			 r->workstation, r->e->status, r->share, r->is_file ? r->path : "", r->unc);
}

static void on_finding(void *arg, const struct det_finding *f, const char *action)
{
	struct top *t = arg;

	(void)action;
	top_model_finding(&t->m, f->ip, f->account, f->id, f->lockout_remaining);
}

static int on_tick(void *arg, const struct smbw_stats *st)
{
	struct top *t = arg;

	t->st = *st;
	top_model_tick(&t->m, (double)t->o->interval_s);
	t->refreshes++;
	if (t->o->batch)
		batch_print(t);
	else if (!t->paused)
		draw(t);
	return t->o->iterations && t->refreshes >= t->o->iterations;
}

static int on_key(struct top *t, int ch)
{
	size_t len;

	if (t->editing) {
		len = strlen(t->edit);
		if (ch == '\n' || ch == KEY_ENTER || ch == '\r') {
			snprintf(t->filter, sizeof(t->filter), "%s", t->edit);
			t->editing = false;
			t->sel = 0;
		} else if (ch == 27) {
			t->editing = false;
		} else if ((ch == KEY_BACKSPACE || ch == 127 || ch == 8) && len) {
			t->edit[len - 1] = 0;
		} else if (ch >= 0x20 && ch < 0x7f && len + 1 < sizeof(t->edit)) {
			t->edit[len] = (char)ch;
			t->edit[len + 1] = 0;
		}
		return 0;
	}
	switch (ch) {
	case 'q':
	case 'Q':
		return 1;
	case 's':
	case '>':
		t->sort = (enum top_sort)((t->sort + 1) % TOP_SORT_COUNT);
		break;
	case '<':
		t->sort = (enum top_sort)((t->sort + TOP_SORT_COUNT - 1) % TOP_SORT_COUNT);
		break;
	case '/':
		t->editing = true;
		snprintf(t->edit, sizeof(t->edit), "%s", t->filter);
		break;
	case 'p':
		t->paused = !t->paused;
		break;
	case 'h':
	case '?':
		t->help = !t->help;
		break;
	case 27:
		t->help = false;
		t->detail = false;
		break;
	case '\n':
	case '\r':
	case KEY_ENTER:
		t->detail = !t->detail && selected(t);
		break;
	case KEY_UP:
	case 'k':
		t->sel--;
		break;
	case KEY_DOWN:
	case 'j':
		t->sel++;
		break;
	case KEY_PPAGE:
		t->sel -= LINES > 6 ? LINES - 6 : 1;
		break;
	case KEY_NPAGE:
		t->sel += LINES > 6 ? LINES - 6 : 1;
		break;
	case KEY_RESIZE:
	default:
		break;
	}
	if (t->sel < 0)
		t->sel = 0;
	return 0;
}

static int on_input(void *arg)
{
	struct top *t = arg;
	int ch, quit = 0;

	if (!curses_on)
		return 0;
	while (!quit && (ch = getch()) != ERR)
		quit = on_key(t, ch);
	if (!quit)
		draw(t); /* keys always redraw, even when paused */
	return quit;
}

int top_run(const struct smbw_opts *o)
{
	static struct top t;
	struct tracer_view v = {
		.arg = &t,
		.tick_ms = (int)(o->interval_s * 1000),
		.input_fd = o->batch ? -1 : STDIN_FILENO,
		.started = started,
		.auth = on_auth,
		.smb2 = on_smb2,
		.finding = on_finding,
		.tick = on_tick,
		.input = on_input,
		.stopped = stopped,
	};
	int ret;

	if (!o->batch && (!isatty(STDIN_FILENO) || !isatty(STDOUT_FILENO))) {
		fprintf(stderr, "smbwatch: top needs a terminal; use --batch for plain text\n");
		return 2;
	}
	memset(&t, 0, sizeof(t));
	t.o = o;
	t.saved_stderr = -1;
	if (top_model_init(&t.m)) {
		fprintf(stderr, "smbwatch: out of memory\n");
		return 1;
	}
	atexit(curses_off); /* the last line of defence for the terminal */
	ret = tracer_run_view(o, &v);
	stopped(&t);
	top_model_free(&t.m);
	return ret;
}
