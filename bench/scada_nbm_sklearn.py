#!/usr/bin/python3
"""The peer of `windpm scada events` (issue 9): pandas + scikit-learn
normal-behaviour models, OpenOA style, on La Haute Borne 2017.

For each turbine and each of Gb1t, Gb2t, Db1t, Db2t: a linear regression
on power, wind, ambient, hub temperature and rotor speed (model A), and
the same plus the target's previous value (model B), fitted on
2017-08-09 – 09-30 on producing rows; threshold = 99.5th percentile of the
reference residuals; held-out RMSE on 10-01 – 11-18; the criticality
counter (+1 on an anomalous producing row, -1 otherwise, event at 72 = 12 h
net) over all four targets; and the detection delay of a +3 degC step and
a 7-day ramp to +3 degC injected into Gb1t from 2017-10-15 00:00 UTC.

usage: bench/scada_nbm_sklearn.py [DIR]   (default ../shared/data/scada/la_haute_borne/exact_2017)
Debian packages only (python3-pandas, python3-sklearn).
"""
import glob, os, sys, time
import numpy as np
import pandas as pd
from sklearn.linear_model import LinearRegression

t_start = time.perf_counter()
root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), '..', '..', 'shared', 'data', 'scada', 'la_haute_borne', 'exact_2017')
frames = [pd.read_csv(f) for f in sorted(glob.glob(os.path.join(root, '**', '*.csv'), recursive=True))]
d = pd.concat(frames, ignore_index=True)
num = d.columns.drop(['Wind_turbine_name', 'Date_time', 'Min_since_last'])
d = pd.concat([d[['Wind_turbine_name']], d[num].round(2)], axis=1).assign(t=pd.to_datetime(d['Date_time'], utc=True))
d = d.sort_values(['Wind_turbine_name', 't']).reset_index(drop=True)
REF0, TEST0, FAULT = pd.Timestamp('2017-08-09', tz='UTC'), pd.Timestamp('2017-10-01', tz='UTC'), pd.Timestamp('2017-10-15', tz='UTC')
TARGETS = ['Gb1t_avg', 'Gb2t_avg', 'Db1t_avg', 'Db2t_avg']
BASE = ['P_avg', 'Ws_avg', 'Ot_avg', 'Rt_avg', 'Rs_avg']


def counter_events(t, ok, anomalous):
    """Event openings of the criticality counter."""
    c, start, opened, out = 0, None, False, []
    for ti, o, a in zip(t, ok, anomalous):
        if not o:
            continue
        if a:
            if c == 0:
                start, opened = ti, False
            c += 1
            if c == 72 and not opened:
                out.append((start, ti))
                opened = True
        elif c > 0:
            c -= 1
    return out


for tb, g in d.groupby('Wind_turbine_name'):
    g = g.reset_index(drop=True)
    g['Rs_avg'] = g['Rs_avg'].fillna(0)
    ok = (g.P_avg > 0) & g[BASE].notna().all(axis=1)
    ref, test = ok & (g.t >= REF0) & (g.t < TEST0), ok & (g.t >= TEST0)
    for variant in ['A', 'B']:
        fits = {}
        for y in TARGETS:
            cols = BASE + ([y + '_prev'] if variant == 'B' else [])
            g[y + '_prev'] = g[y].shift(1).where(g.t.diff() == pd.Timedelta('10min'))
            m = ref & g[cols + [y]].notna().all(axis=1)
            lr = LinearRegression().fit(g.loc[m, cols], g.loc[m, y])
            r = g[y] - lr.predict(g[cols].fillna(0))
            thr = np.quantile(r[m], 0.995)
            mt = test & g[cols + [y]].notna().all(axis=1)
            fits[y] = (lr, cols, thr, float(np.sqrt((r[mt] ** 2).mean())))
        rm = ' '.join(f'{y[:-4]} {fits[y][3]:.2f}/{fits[y][2]:.1f}' for y in TARGETS)

        def anomalies(gg):
            a = pd.Series(False, index=gg.index)
            for y in TARGETS:
                lr, cols, thr, _ = fits[y]
                gg[y + '_prev'] = gg[y].shift(1).where(gg.t.diff() == pd.Timedelta('10min'))
                r = gg[y] - lr.predict(gg[cols].fillna(0))
                a |= r > thr
            return a
        clean = counter_events(g.t, ok, anomalies(g.copy()))
        n_test = sum(1 for s, o in clean if o >= TEST0)
        delays = {}
        for shape in ['step', 'ramp']:
            gg = g.copy()
            dt = (gg.t - FAULT).dt.total_seconds() / 3600
            add = np.where(dt >= 0, 3.0 if shape == 'step' else np.minimum(1, dt / 168) * 3, 0)
            gg['Gb1t_avg'] = gg['Gb1t_avg'] + add
            evs = [o for s, o in counter_events(gg.t, ok, anomalies(gg)) if o >= FAULT]
            delays[shape] = f'{(evs[0] - FAULT).total_seconds() / 3600:.0f} h' if evs else 'not detected'
        print(f'{tb} model {variant}: held-out RMSE/threshold (degC) {rm}; events on the untouched test period {n_test}; '
              f'+3 degC step {delays["step"]}, ramp {delays["ramp"]}')
print(f'total {time.perf_counter() - t_start:.2f} s', file=sys.stderr)
