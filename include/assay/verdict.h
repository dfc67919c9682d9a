/*
 * Is this move notable?  One verdict per move -- noise, shock or trend --
 * with every number behind it (src/METHODS.md section 4).
 *
 * The rules, for the move r_t (a log change, or a difference when the
 * series has non-positive values in reach):
 *
 * 1. Model of a normal move, fitted on the trailing window only (the W
 *    changes before t, never r_t itself): r_i = a_season(i) + phi r_{i-1}
 *    + e_i by least squares.  The intercept absorbs drift; the AR(1) term
 *    prewhitens autocorrelated changes; seasonal means (one intercept per
 *    quarter or month) are used when the series is seasonal: --seasonal
 *    yes, or auto and a partial F test of the seasonal means (with the AR
 *    term in both models) is significant at season_alpha = 0.02 on the
 *    trailing max(W, 5 years) of changes (and the older ones of rule 1c),
 *    which the seasonal model then uses (at least 2 changes per season
 *    are needed).
 *
 * 1a. Past shocks (a crash, a splice or a spike in the window
 *    inflated every scale and capped every rank, so it masked the next
 *    shock for W periods).  Before the fit, the window's changes are
 *    screened with Hampel's identifier: candidates lie more than
 *    ASSAY_SET_ASIDE_SCREEN = 3.2 robust sigma (1.4826 MAD) from the
 *    median.  If the candidates are one event -- one change, or a change
 *    and its reversal in the next period (a spike) -- each candidate more
 *    than set_aside = 4.2 sd from the mean of the other changes (their
 *    sample sd) is set aside, and with it the reversal of a spike, with
 *    the AR term also the row after each, whose lag it is.  Two or more events are taken as heavy tails, not
 *    shocks, and nothing is set aside (under Student t(2.5) changes that
 *    guard halves how often something is set aside).  The remaining rows
 *    are then fitted and ranked as below.  When the row just before the
 *    judged move was set aside, the move's lag is the mean lag (no AR
 *    part) unless |t| of phi >= ASSAY_LAG_SHOCK_T.  A seasonal window is screened
 *    on its seasonal residuals first (each change minus the median of the
 *    other changes of its season -- quarterly, with rule 1c's older ones
 *    of that season -- with a cut 0.2 sd higher; a quarterly window's
 *    residuals scaled by Qn instead of the MAD) when the seasonal means
 *    explain at least a quarter of its winsorised variation; on its
 *    changes when there are no residuals or they read as heavy tails
 *    (more events than allowed).  In a W window a spike is
 *    also judged by both halves: a candidate and its neighbour moved the
 *    other way (beyond 0.6 of the screen) go together when their mean
 *    distance is beyond 3 sd (verdict_screen.c).
 *
 * 1b. The seasonality decision left out with each row (auto, when both
 *    models are fitted on the same rows: quarterly, or any seasonal span
 *    no longer than W): each window row's leave-one-out score of rule 3
 *    is taken under the model the F test chooses on the window and the
 *    judged move without that row, as the move's own model is chosen on
 *    the window without it.  Every point is then scored alike, which
 *    keeps the rank exchangeable when the seasons are weak.
 *
 * 1c. The seasonality test reads older changes too (auto): up to W
 *    changes older than the span, each (and its lag, with the AR term)
 *    within rule 1a's screen -- the span's median +- ASSAY_SET_ASIDE_SCREEN
 *    robust sigma -- are added to both of the F test's fits, not to the
 *    models.  Five changes a season found weak seasons in fewer than half
 *    the windows.  None without the screen (set_aside 0).
 *
 * 2. The prediction-interval t statistic of r_t:
 *      stat = (r_t - fitted) / (s * sqrt(1 + x0'(X'X)^-1 x0) * vol_ratio),
 *    Student-t with n - p degrees of freedom for Gaussian changes
 *    (intercept only: t = (r_t - mean)/(s sqrt(1 + 1/n)), src/METHODS.md)
 *    when vol_ratio = 1.
 *
 * 2a. Local scales (a window whose older part was louder or
 *    calmer than today ranked today's move among moves of another
 *    regime).  Filtered historical simulation (Barone-Adesi et al.
 *    1999): v_i = the EWMA (half-life vol_half_life = 6 rows) of the
 *    window fit's squared residuals before row i, over s^2, from v = 1
 *    at the oldest row; v_n, after the last row, is the judged move's,
 *    and vol_ratio = sqrt(v_n).  The move's statistic and each window
 *    move's leave-one-out statistic (rule 3) are divided by their own
 *    sqrt(v).  vol_half_life = 0 turns it off (v = 1).
 *
 * 3. Its p-value, made distribution-free where the data allow it (the
 *    "interpolated conformal" p-value): the same statistic is computed for
 *    each of the n window moves as if it were left out (the externally
 *    studentised residuals of the fit on all n + 1 moves; a symmetric
 *    function of the n + 1 moves, so for exchangeable changes the rank of
 *    |stat| among the n + 1 is uniform whatever their distribution).  With
 *    R = #{window moves with |t_i| >= |stat|} (ties, within 1e-9, count):
 *      p_shock = (R + frac) / (n + 1),
 *    frac interpolating by Student's t between the neighbouring scores:
 *      frac = (S(|stat|) - S(m_R)) / (S(m_{R+1}) - S(m_R)),
 *    S the two-sided survival function of Student's t with min(n - p,
 *    ASSAY_TAIL_DF = 10) degrees of freedom (the scores of rule 2a have
 *    heavier tails than the pooled t), m_1 >= m_2 >= ... the window's
 *    scores (S(m_0) = 0, S(m_{n+1}) = 1).  So P(p_shock <= k/(n+1)) =
 *    k/(n+1) for any exchangeable changes (heavy tails included), and the
 *    t tail only decides *within* the top rank: p_shock < 1/(n+1) (0.0476
 *    at W = 20) needs the move to be beyond every window move AND far out on
 *    the t tail.  At alpha = 0.05 and W = 20 the rank part carries the
 *    decision; at alpha = 0.01 the t tail does, and is only as good as a
 *    t model of the tail (measurements: the README, "How the verdict is
 *    calibrated").
 *
 * 4. Persistence (trend).  Each judged move gets a normal score of its
 *    rank, z = sign(stat) Phi^-1(1 - (R + 1/2) / (2 (n + 1))) (a mid-rank
 *    score: bounded, so one huge move cannot make a run), R ranked
 *    without the local scales of rule 2a: a run of large moves would
 *    raise the local scale of its own later moves and hide itself.  The run is the
 *    K consecutive judged moves ending at t whose z have the sign of z_t
 *    (K <= run_max = 8); its cumulative score T = |sum z| / sqrt(K).  For
 *    independent N(0,1) scores, given C consecutive judged moves
 *    available (C <= run_max), P(K = k) = 2^-k (k < C), 2^-(C-1) (k = C),
 *    and given K = k the |z| are iid half-normal, so
 *      p_trend = P(K >= 2 and T >= t_obs)
 *              = sum_{k=2}^{C-1} 2^-k H_k(t_obs sqrt k)
 *                + 2^-(C-1) H_C(t_obs sqrt C),
 *    H_k(x) = P(|Z_1| + ... + |Z_k| >= x), tabulated once by quadrature.
 *    p_trend = 1 when K = 1.
 *
 * 5. The two are joined by a weighted Bonferroni rule, so that the
 *    false-positive rate is at most alpha by construction:
 *      p = min(1, p_shock / (1 - w), p_trend / w),   w = trend_share = 0.1;
 *    notable when p <= alpha; `trend` when the trend part is the smaller
 *    (and notable), else `shock`; `noise` otherwise.
 *
 * Moves that cannot be judged: no change (gap, partial period, undefined
 * ratio), fewer than min_history usable changes in the window (or fewer
 * than the model's parameters + 2), or a window without variation.
 *
 * The magnitude of the changes does not matter: a window whose largest
 * change is beyond 2^-256 .. 2^256 is judged on its changes times an
 * exact power of two, so the judgement is to the bit that of the same
 * changes near 1, its quantities in the series' unit scaled back.
 */
#ifndef ASSAY_VERDICT_H
#define ASSAY_VERDICT_H

#include <stddef.h>
#include "assay/assay.h"
#include "assay/volatility.h"

typedef enum assay_seasonal_mode {
	ASSAY_SEASONAL_AUTO = 0,        /* F test decides, move by move */
	ASSAY_SEASONAL_YES,             /* always seasonal means */
	ASSAY_SEASONAL_NO               /* never */
} assay_seasonal_mode;

/* "auto" | "yes" | "no" -> 0 and *m; else -1. */
int assay_seasonal_parse(const char *s, assay_seasonal_mode *m);
const char *assay_seasonal_name(assay_seasonal_mode m);

typedef enum assay_verdict {
	ASSAY_VERDICT_NONE = 0,         /* not judged (see assay_unjudged) */
	ASSAY_VERDICT_NOISE,
	ASSAY_VERDICT_SHOCK,
	ASSAY_VERDICT_TREND
} assay_verdict;

/* "noise" | "shock" | "trend"; NULL for ASSAY_VERDICT_NONE. */
const char *assay_verdict_name(assay_verdict v);

typedef enum assay_unjudged {
	ASSAY_JUDGED = 0,
	ASSAY_UNJUDGED_SKIPPED,         /* before opts' first move */
	ASSAY_UNJUDGED_NA,              /* no change to judge */
	ASSAY_UNJUDGED_HISTORY,         /* too little history */
	ASSAY_UNJUDGED_FLAT,            /* no residual variation in the window
					 * (constant, or fitted exactly) */
	ASSAY_UNJUDGED_SEASONAL         /* --seasonal yes without 2 per season */
} assay_unjudged;

/* Which change was judged. */
typedef enum assay_basis {
	ASSAY_BASIS_NONE = 0,
	ASSAY_BASIS_LOG,                /* ln(x_t / x_{t-1}) */
	ASSAY_BASIS_DIFF                /* x_t - x_{t-1} */
} assay_basis;

const char *assay_basis_name(assay_basis b);   /* "log", "diff" or "" */

#define ASSAY_SET_ASIDE_MAX 4         /* two events, each a move and its reversal */
#define ASSAY_TAIL_DF 10                /* rule 3: the interpolating t tail has
					 * at most this many degrees of freedom */
#define ASSAY_SET_ASIDE_SCREEN 3.2      /* Hampel screen, robust sigma */
#define ASSAY_LAG_SHOCK_T 3.0           /* rule 1a: a move whose lag was set
					 * aside keeps its AR part only when
					 * |t| of phi is at least this */

typedef struct assay_judge_opts {
	int window;             /* W: window of earlier changes (20) */
	int min_history;        /* fewest usable changes in it (8) */
	double alpha;           /* level of the verdict (0.05) */
	assay_seasonal_mode seasonal;   /* AUTO */
	int seasons;            /* seasons per year: 4 (Q), 12 (M); 0 none */
	double season_alpha;    /* level of the seasonality F test (0.02) */
	int ar;                 /* AR(1) prewhitening on (1) */
	int run_max;            /* longest run of the trend test (8, <= 16) */
	double trend_share;     /* w: share of alpha for trends (0.1) */
	double half_life;       /* EWMA half-life in periods (0: W / 4) */
	assay_freq freq;        /* frequency, for annualising */
	int scales;             /* also MAD, Qn, EWMA, annualised, and the
				 * seasonality F test's p-value (0: the sd;
				 * seasonal_p then only where the test's
				 * decision needed it) */
	double set_aside;       /* past shocks: beyond this many sd of the
				 * other changes (4.2; 0: never), rule 1a */
	double vol_half_life;   /* local scale (rule 2a): half-life of the
				 * EWMA of squared residuals, in model rows
				 * (6; 0: off, one pooled scale) */
} assay_judge_opts;

/* The defaults above. */
void assay_judge_opts_init(assay_judge_opts *o);

/* Everything behind one verdict.  NaN where not applicable. */
typedef struct assay_judgement {
	assay_verdict verdict;
	assay_unjudged why;     /* ASSAY_JUDGED when verdict is set */
	assay_basis basis;      /* the change judged */
	double change;          /* r_t */
	double expected;        /* the model's prediction of r_t */
	double expected_ar;     /* its AR part, phi (r_{t-1} - mean lag); the
				 * rest is the mean change (drift or the
				 * season's mean) */
	double scale;           /* prediction-interval scale, times vol_ratio */
	double vol_ratio;       /* rule 2a: local scale of the judged move over
				 * the window's pooled one, sqrt(v_t) (1 off) */
	double stat;            /* (change - expected) / scale */
	int df;                 /* degrees of freedom of stat */
	double p_t;             /* two-sided Student-t p-value of stat */
	int rank;               /* R: window moves with |t_i| >= |stat| */
	double p_shock;         /* interpolated conformal p-value */
	double score;           /* mid-rank normal score z (rule 4: of the
				 * rank without the local scales) */
	int run;                /* K: length of the same-signed run */
	int run_cap;            /* C: consecutive judged moves available */
	double run_stat;        /* T = |sum z| / sqrt(K) */
	double p_trend;         /* 1 when run < 2 */
	double p;               /* the reported p-value (rule 5) */
	int n_history;          /* changes in the model's window */
	int params;             /* parameters of the model */
	int seasonal;           /* seasonal means used */
	double seasonal_p;      /* F test p-value (AUTO), else NaN; without
				 * o->scales NaN unless it decided */
	int seasonal_older;     /* changes older than the span the F test
				 * read (rule 1c; 0 when it did not run) */
	int ar;                 /* AR term used */
	double phi;             /* its coefficient */
	assay_noise noise;      /* scales of the W window (n, sd always) */
	double typical;         /* the sd of the W window without the past
				 * shocks set aside: the "typical move" of
				 * the sentence (noise.sd when none) */
	int n_set_aside;        /* past shocks set aside (rule 1a) */
	int set_aside_age[ASSAY_SET_ASIDE_MAX]; /* their ages: t - i */
	double set_aside_z[ASSAY_SET_ASIDE_MAX];/* (r_i - mean) / sd of the
						 * values screened: the changes
						 * or their seasonal residuals */
} assay_judgement;

/* Judge the moves of one series.  r_log[i] and r_diff[i] are the log and
 * difference changes into row i (NaN: NA; r_log may be NULL, then
 * differences are judged).  A move is judged on its log change when it
 * and every change in reach of its window have one, else on its
 * difference, so a judgement never depends on later data.  season[i] is
 * the season of row i (0 .. seasons-1), or NULL.  Moves i >= first are
 * judged, with the run_max - 1 moves before them that the trend test
 * needs; earlier ones are marked ASSAY_UNJUDGED_SKIPPED.  `out` has n
 * elements.  Returns 0, or -1 with err filled (ASSAY_EUSAGE: bad options;
 * ASSAY_EIO: out of memory). */
int assay_judge(const double *r_log, const double *r_diff, const int *season,
		size_t n, size_t first, const assay_judge_opts *o,
		assay_judgement *out, assay_error *err);

/* H_k(x) = P(|Z_1| + ... + |Z_k| >= x) for iid standard normal Z,
 * 1 <= k <= 16 (from the table; accurate to about 1e-7 relative for
 * x <= 16, an upper bound beyond).  NaN for k out of range. */
double assay_halfnormal_sum_q(int k, double x);

/* p_trend of rule 4 for a run statistic t_obs with C = cap consecutive
 * judged moves (cap >= 2; 1 for cap < 2). */
double assay_run_p(double t_obs, int cap);

/* Two-sided Student-t p-value P(|T| >= |t|) with df degrees of freedom,
 * and the F distribution's upper tail P(F >= f) with (d1, d2): the
 * incomplete-beta forms the verdict uses (same values as GSL's
 * gsl_cdf_tdist_Q and gsl_cdf_fdist_Q, about four times faster). */
double assay_t_two_sided(double t, int df);
double assay_f_upper(double f, int d1, int d2);

#endif
