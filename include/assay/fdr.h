/*
 * False discovery rate control for screening many series at once
 * (src/METHODS.md section 7): Benjamini-Hochberg adjusted p-values, as
 * statsmodels' multipletests(method='fdr_bh') and R's p.adjust("BH").
 */
#ifndef ASSAY_FDR_H
#define ASSAY_FDR_H

#include <stddef.h>

/* q[i] = min over j with p_(j) >= p_i of min(1, m / rank(j) * p_(j)), for
 * the n p-values in p (NaN entries are left out of m and get NaN).  q may
 * alias p.  Returns 0, or -1 when out of memory. */
int assay_fdr_bh(const double *p, double *q, size_t n);

#endif
