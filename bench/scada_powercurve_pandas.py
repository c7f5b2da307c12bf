#!/usr/bin/python3
"""Independent pandas implementation of windpm's SCADA quality flags and
IEC 61400-12-1 power curves (models/powercurve), OpenOA style, for checking
and timing `windpm scada powercurve` / `windpm scada ingest`.

usage: bench/scada_powercurve_pandas.py [--elevation M] [--out curve.csv] [--flags flags.csv]
                                       [--density density.csv] FILES|DIRS...

Reads La Haute Borne exports (the EXACT re-export: ',' with Min_since_last,
values rounded to 2 decimals; or the original ';' export), and writes per
turbine the curve bins (turbine, bin_m_s, wind_speed_norm_m_s, power_kw,
power_std_kw, count) like `windpm scada powercurve`, with --flags the
flag counts per turbine, and with --density the cold-versus-warm power at
equal wind before and after density normalisation (the statistic of
models/powercurve TestDensityNormalisation2017: clean rows, 5-10 m/s,
cold < 8 degC, warm > 16 degC, 0.5 m/s bins with >= 5 rows of each, the
relative gap weighted by the smaller count), per bin and per turbine.
Timing of each stage goes to stderr.

Debian packages only (python3-pandas, python3-numpy); no pip.
"""
import argparse, glob, os, sys, time
import numpy as np
import pandas as pd

R0, RHO0 = 287.05, 1.225


def pressure(h):
    # ISO 2533 standard atmosphere, troposphere.
    return 101325.0 * (1 - 0.0065 * h / 288.15) ** (9.80665 * 0.0289644 / (8.3144598 * 0.0065))


def read(paths):
    files = []
    for p in paths:
        if os.path.isdir(p):
            files += sorted(glob.glob(os.path.join(p, '**', '*.csv'), recursive=True))
        else:
            files.append(p)
    frames = []
    for f in files:
        with open(f, 'rb') as fh:
            head = fh.readline().decode('utf-8-sig')
        sep = ';' if head.count(';') > head.count(',') else ','
        d = pd.read_csv(f, sep=sep)
        if 'Min_since_last' in d.columns:
            d = d.drop(columns=['Min_since_last'])
            num = d.columns.drop(['Wind_turbine_name', 'Date_time'])
            d = pd.concat([d[['Wind_turbine_name', 'Date_time']], d[num].round(2)], axis=1)
        frames.append(d)
    d = pd.concat(frames, ignore_index=True)
    d = d.assign(time=pd.to_datetime(d['Date_time'], utc=True))
    vals = d.columns.drop(['Wind_turbine_name', 'Date_time', 'time'])
    d = d.dropna(subset=vals, how='all')  # rows with a stamp and no value
    # One row per turbine and stamp (the later read wins on conflicts).
    d = d.drop_duplicates(subset=['Wind_turbine_name', 'time'], keep='last')
    return d.sort_values(['Wind_turbine_name', 'time'], kind='stable').reset_index(drop=True)


# Physical limits by ENGIE code (docs/scada.md).
T_IN = (-89.2, 200)
LIMITS = {'Ws': (0, 50), 'Ws1': (0, 50), 'Ws2': (0, 50), 'Wa': (0, 360), 'Ya': (0, 360),
          'Va': (-180, 360), 'Va1': (-180, 360), 'Va2': (-180, 360), 'Cosphi': (-1, 1), 'Ba': (-10, 100),
          'Ot': (-89.2, 56.7), 'Yt': T_IN, 'Rt': T_IN, 'Gb1t': T_IN, 'Gb2t': T_IN, 'Gost': T_IN, 'Git': T_IN,
          'Db1t': T_IN, 'Db2t': T_IN, 'Dst': T_IN, 'Rbt': T_IN}
FROZEN = ['Ws', 'P', 'Ot', 'Gb1t', 'Gb2t', 'Gost', 'Db1t', 'Db2t']


def runs(cond, t, min_run, same=None):
    """Rows in runs of >= min_run consecutive rows (10 min apart) with cond
    (and, with same, an equal value)."""
    step = t.diff() != pd.Timedelta('10min')
    brk = (cond != cond.shift()) | step
    if same is not None:
        brk |= same != same.shift()
    g = brk.cumsum()
    size = cond.groupby(g).transform('size')
    return cond & (size >= min_run)


def flags(g, elevation):
    t = g['time']
    rho = pressure(elevation) / (R0 * (g['Ot_avg'] + 273.15))
    vn = g['Ws_avg'] * np.cbrt(rho / RHO0)
    p, ws = g['P_avg'], g['Ws_avg']
    oor = pd.Series(False, index=g.index)
    for code, (lo, hi) in LIMITS.items():
        for st in ['avg', 'min', 'max']:
            c = f'{code}_{st}'
            if c in g:
                oor |= (g[c] < lo) | (g[c] > hi)
    for c in g.columns:
        if c.endswith('_std'):
            oor |= g[c] < 0
    frozen = pd.Series(False, index=g.index)
    for code in FROZEN:
        v = g[f'{code}_avg']
        sd = g.get(f'{code}_std')
        still = v.notna()
        if sd is not None:
            still &= (sd == 0) | sd.isna()
        if code == 'P':
            still &= v != 0
        frozen |= runs(still, t, 6, same=v)
    down = (p <= 0) & (ws >= 4) & (ws < 25)
    base = ~oor & ~frozen & ~down & (p > 0) & vn.notna()
    b = np.floor(vn / 0.5 + 0.5)
    ref = pd.DataFrame({'b': b, 'vn': vn, 'p': p, 'pitch': g['Ba_avg']})[base]
    agg = ref.groupby('b').agg(w=('vn', 'mean'), p90=('p', lambda x: x.quantile(0.9)),
                               p10=('p', lambda x: x.quantile(0.1)), pitch=('pitch', 'median'), n=('p', 'size'))
    agg = agg[agg.n >= 3]
    agg['p90'] = agg.p90.cummax()
    peak = agg.p90.iloc[-1]
    p90 = np.interp(vn, agg.w, agg.p90)
    p10 = np.interp(vn, agg.w, agg.p10)
    pitch_ref = np.interp(vn, agg.w, agg.pitch)
    cold = g['Ot_avg'] <= 2
    ice_c = base & cold & (p < p10)
    der_c = base & ~cold & (p90 >= 0.1 * peak) & (p < 0.9 * p90) & ((p90 >= 0.95 * peak) | (g['Ba_avg'] > pitch_ref + 2))
    derate = runs(der_c, t, 3)
    icing = runs(ice_c, t, 3)
    clean = ~(oor | frozen | down | derate | icing) & vn.notna() & p.notna()
    return vn, clean, {'out_of_range': int(oor.sum()), 'frozen': int(frozen.sum()), 'downtime': int(down.sum()),
                       'curtailment': int(derate.sum()), 'icing': int(icing.sum()), 'clean': int(clean.sum())}


def curve(vn, p, clean):
    d = pd.DataFrame({'b': np.floor(vn / 0.5 + 0.5), 'vn': vn, 'p': p})[clean]
    c = d.groupby('b').agg(wind_speed_norm_m_s=('vn', 'mean'), power_kw=('p', 'mean'),
                           power_std_kw=('p', 'std'), count=('p', 'size'))
    c = c[c['count'] >= 3].reset_index()
    c['bin_m_s'] = c.b * 0.5
    return c[['bin_m_s', 'wind_speed_norm_m_s', 'power_kw', 'power_std_kw', 'count']]


def density(tb, g, vn, clean):
    """Per 0.5 m/s bin (and 'all'), cold and warm mean power at equal
    measured wind (ws) and at equal normalised wind (vn)."""
    rho = vn.pow(3) / g['Ws_avg'].pow(3) * RHO0
    out = []
    for basis, w in (('ws', g['Ws_avg']), ('vn', vn)):
        ot = g['Ot_avg']
        sel = clean & (w >= 5) & (w < 10) & ot.notna() & ((ot < 8) | (ot > 16))
        d = pd.DataFrame({'b': np.floor(w / 0.5 + 0.5), 'cold': ot < 8, 'p': g['P_avg'], 'rho': rho})[sel]
        m = d.groupby(['b', 'cold']).p.agg(['mean', 'size']).unstack('cold')
        m = m[(m[('size', True)] >= 5) & (m[('size', False)] >= 5)]
        cold, warm = m[('mean', True)], m[('mean', False)]
        nc, nw = m[('size', True)], m[('size', False)]
        wt = np.minimum(nc, nw)
        gap = ((cold - warm) / warm * wt).sum() / wt.sum()
        for b in m.index:
            out.append(dict(turbine=tb, basis=basis, bin_m_s=b * 0.5, cold_kw=cold[b], warm_kw=warm[b],
                            cold_n=int(nc[b]), warm_n=int(nw[b]), gap=(cold[b] - warm[b]) / warm[b]))
        rc = d.loc[d.cold, 'rho'].mean() / d.loc[~d.cold, 'rho'].mean() - 1 if basis == 'ws' else np.nan
        out.append(dict(turbine=tb, basis=basis, bin_m_s='all', cold_kw=np.nan, warm_kw=np.nan,
                        cold_n=int(nc.sum()), warm_n=int(nw.sum()), gap=gap, density_ratio=rc))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--elevation', type=float, default=0)
    ap.add_argument('--out')
    ap.add_argument('--flags')
    ap.add_argument('--density')
    ap.add_argument('inputs', nargs='+')
    a = ap.parse_args()
    t0 = time.perf_counter()
    d = read(a.inputs)
    t1 = time.perf_counter()
    curves, counts, dens = [], [], []
    for tb, g in d.groupby('Wind_turbine_name', sort=True):
        vn, clean, n = flags(g, a.elevation)
        c = curve(vn, g['P_avg'], clean)
        c.insert(0, 'turbine', tb)
        curves.append(c)
        counts.append(dict(turbine=tb, rows=len(g), **n))
        if a.density:
            dens += density(tb, g, vn, clean)
    t2 = time.perf_counter()
    out = pd.concat(curves)
    out.to_csv(a.out or sys.stdout, index=False, float_format='%.17g')
    if a.flags:
        pd.DataFrame(counts).to_csv(a.flags, index=False)
    if a.density:
        pd.DataFrame(dens).to_csv(a.density, index=False, float_format='%.17g')
    print(f'read {t1 - t0:.3f} s, flags and curves {t2 - t1:.3f} s, total {t2 - t0:.3f} s, {len(d)} rows',
          file=sys.stderr)


if __name__ == '__main__':
    main()
