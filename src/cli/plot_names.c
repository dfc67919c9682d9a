/* The chart files of plot --outdir and the record of whose each is (see
 * plot_names.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "assay/plot.h"
#include "cli.h"
#include "plot_names.h"

#define RECORD ".assay-charts"

static char *in_dir(const char *dir, const char *file)
{
	size_t n = strlen(dir) + strlen(file) + 2;
	char *p = cli_xmalloc(n);
	snprintf(p, n, "%s/%s", dir, file);
	return p;
}

/* A text the record can hold on its line: no tab, no line break. */
static int recordable(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s < 0x20 || *s == 0x7f)
			return 0;
	return 1;
}

static void add(struct plot_names *pn, const char *file, const char *owner,
		int claimed)
{
	if (pn->n == pn->cap) {
		pn->cap = pn->cap ? 2 * pn->cap : 32;
		pn->e = cli_xrealloc(pn->e, pn->cap * sizeof *pn->e);
	}
	pn->e[pn->n++] = (struct plot_name){ cli_xstrdup(file), cli_xstrdup(owner),
					     claimed };
}

/* The entry of file name `file`, or NULL. */
static struct plot_name *find(const struct plot_names *pn, const char *file)
{
	for (size_t i = 0; i < pn->n; i++)
		if (!strcmp(pn->e[i].file, file))
			return &pn->e[i];
	return NULL;
}

void plot_names_load(struct plot_names *pn, const char *dir)
{
	memset(pn, 0, sizeof *pn);
	pn->dir = dir;
	char *path = in_dir(dir, RECORD), *line = NULL;
	size_t cap = 0;
	ssize_t len;
	FILE *fp = fopen(path, "r");
	free(path);
	if (!fp)
		return;         /* no record: no file is known to be anyone's */
	while ((len = getline(&line, &cap, fp)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = 0;
		char *tab = strchr(line, '\t');
		if (!tab || tab == line || !tab[1])
			continue;       /* not a line the record writes */
		*tab = 0;
		if (strchr(line, '/') || find(pn, line))
			continue;
		/* a chart removed frees its name */
		char *f = in_dir(dir, line);
		int there = access(f, F_OK) == 0;
		free(f);
		if (there)
			add(pn, line, tab + 1, 0);
	}
	free(line);
	fclose(fp);
}

/* Is `path` (DIR/FILE) taken by another owner than `owner`?  Its owner. */
static const char *taken_by(const struct plot_names *pn, const char *path,
			    const char *owner)
{
	const struct plot_name *e = find(pn, path + strlen(pn->dir) + 1);
	return e && strcmp(e->owner, owner) ? e->owner : NULL;
}

/* Is file NAME[SUFFIX][-K].EXT, for base NAME? */
static int of_base(const char *file, const char *stem, const char *ext)
{
	size_t n = strlen(stem);
	if (strncmp(file, stem, n))
		return 0;
	file += n;
	if (file[0] == '-' && file[1] >= '2' && file[1] <= '9') {
		file++;
		while (*file >= '0' && *file <= '9')
			file++;
	}
	return *file == '.' && !strcmp(file + 1, ext);
}

/* The file the record gives owner under this stem already, or NULL: it
 * keeps it, also when a name before it has come free. */
static const struct plot_name *owned(const struct plot_names *pn,
				     const char *stem, const char *ext,
				     const char *owner)
{
	for (size_t i = 0; i < pn->n; i++)
		if (!strcmp(pn->e[i].owner, owner) && of_base(pn->e[i].file, stem, ext))
			return &pn->e[i];
	return NULL;
}

char *plot_names_claim(struct plot_names *pn, const char *name,
		       const char *suffix, const char *ext, const char *owner,
		       const char **holder)
{
	char base[128];
	size_t sz = strlen(pn->dir) + sizeof base + strlen(suffix) + strlen(ext) + 32;
	char *p = cli_xmalloc(sz);
	assay_plot_file_name(name, base, sizeof base);
	*holder = NULL;
	char stem[sizeof base + 64];
	snprintf(stem, sizeof stem, "%s%s", base, suffix);
	const struct plot_name *mine = owned(pn, stem, ext, owner);
	if (mine) {
		snprintf(p, sz, "%s/%s.%s", pn->dir, stem, ext);
		*holder = taken_by(pn, p, owner);
		snprintf(p, sz, "%s/%s", pn->dir, mine->file);
		return p;
	}
	for (int k = 1; ; k++) {
		char num[16] = "";
		if (k > 1)
			snprintf(num, sizeof num, "-%d", k);
		snprintf(p, sz, "%s/%s%s%s.%s", pn->dir, base, suffix, num, ext);
		const char *other = taken_by(pn, p, owner);
		if (k == 1)
			*holder = other;
		if (other)
			continue;
		if (recordable(owner) && !find(pn, p + strlen(pn->dir) + 1))
			add(pn, p + strlen(pn->dir) + 1, owner, 1);
		return p;
	}
}

static int written_path(const struct plot_names *pn, const struct plot_name *e,
			const char *const *written, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		const char *w = written[i];
		size_t d = strlen(pn->dir);
		if (w && !strncmp(w, pn->dir, d) && w[d] == '/' && !strcmp(w + d + 1, e->file))
			return 1;
	}
	return 0;
}

int plot_names_save(const struct plot_names *pn, const char *const *written,
		    size_t n)
{
	/* the temporary file this process's own: two runs at once each
	 * rename a whole record into place */
	char tmpname[64];
	snprintf(tmpname, sizeof tmpname, RECORD ".%ld.tmp", (long)getpid());
	char *path = in_dir(pn->dir, RECORD), *tmp = in_dir(pn->dir, tmpname);
	FILE *fp = fopen(tmp, "w");
	int rc = fp ? 0 : -1;
	for (size_t i = 0; fp && i < pn->n; i++) {
		const struct plot_name *e = &pn->e[i];
		if (!e->claimed || written_path(pn, e, written, n))
			fprintf(fp, "%s\t%s\n", e->file, e->owner);
	}
	if (fp && (ferror(fp) | fclose(fp)))
		rc = -1;
	/* in place at once: a run beside this one reads the old or the new */
	if (!rc && rename(tmp, path))
		rc = -1;
	if (rc) {
		int e = errno;
		unlink(tmp);
		errno = e;
	}
	free(path);
	free(tmp);
	return rc;
}

void plot_names_free(struct plot_names *pn)
{
	for (size_t i = 0; i < pn->n; i++) {
		free(pn->e[i].file);
		free(pn->e[i].owner);
	}
	free(pn->e);
	memset(pn, 0, sizeof *pn);
}
