// Reads the NAB series the benchmark uses, and their labelled anomaly windows, from a copy of
// the Numenta Anomaly Benchmark (data/<family>/<file>.csv and labels/combined_windows.json).
// The data stays where the user keeps it; nothing is copied into the project.

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

export type NabRole = 'volume' | 'duration';

export interface NabSeriesSpec {
  /** Key in NAB's label files: <family>/<file>.csv. */
  readonly file: string;
  /** Which production check it feeds: rows written (row_count) or run duration (duration). */
  readonly role: NabRole;
  /** Detection spec §7: tune on the artificial files and realAWSCloudwatch, report on the rest. */
  readonly split: 'tune' | 'report';
  /** Multiplier that turns a fractional gauge into whole rows without losing its resolution. */
  readonly scale: number;
}

export const NAB_SERIES: readonly NabSeriesSpec[] = [
  { file: 'realKnownCause/nyc_taxi.csv', role: 'volume', split: 'report', scale: 1 },
  { file: 'realTweets/Twitter_volume_AMZN.csv', role: 'volume', split: 'report', scale: 1 },
  { file: 'realKnownCause/ec2_request_latency_system_failure.csv', role: 'duration', split: 'report', scale: 1 },
  { file: 'realTraffic/TravelTime_387.csv', role: 'duration', split: 'report', scale: 1 },
  { file: 'realAWSCloudwatch/elb_request_count_8c0756.csv', role: 'volume', split: 'tune', scale: 1 },
  { file: 'realAWSCloudwatch/ec2_disk_write_bytes_1ef3de.csv', role: 'volume', split: 'tune', scale: 1 },
  { file: 'realAWSCloudwatch/ec2_cpu_utilization_c6585a.csv', role: 'volume', split: 'tune', scale: 1000 },
  { file: 'artificialNoAnomaly/art_daily_small_noise.csv', role: 'volume', split: 'tune', scale: 1 },
  { file: 'artificialWithAnomaly/art_daily_jumpsup.csv', role: 'volume', split: 'tune', scale: 1 },
  { file: 'artificialWithAnomaly/art_daily_jumpsdown.csv', role: 'volume', split: 'tune', scale: 1 },
];

export interface NabPoint {
  readonly ms: number;
  readonly value: number;
}

export interface NabSeries {
  readonly spec: NabSeriesSpec;
  readonly points: readonly NabPoint[];
  /** Labelled anomaly windows, [from, to] epoch ms. */
  readonly windows: ReadonlyArray<readonly [number, number]>;
}

export interface NabData {
  readonly series: readonly NabSeries[];
  /** Series of NAB_SERIES that the copy does not hold. */
  readonly missing: readonly string[];
}

const WINDOWS = z.record(z.string(), z.array(z.tuple([z.string(), z.string()])));

/** NAB timestamps carry no zone; they are read as UTC clock time, like the simulator's. */
export function parseNabTime(text: string, where: string): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.\d+)?$/.exec(text.trim());
  if (!m) throw new Error(`${where}: timestamp '${text}' is not 'YYYY-MM-DD HH:MM:SS'`);
  return Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!);
}

export function parseNabCsv(text: string, where: string): NabPoint[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  if (lines[0]?.trim() !== 'timestamp,value')
    throw new Error(`${where}: expected the header 'timestamp,value', found '${lines[0] ?? ''}'`);
  return lines.slice(1).map((line, i) => {
    const [ts, v] = line.split(',');
    const value = Number(v);
    if (ts === undefined || v === undefined || !Number.isFinite(value))
      throw new Error(`${where} line ${i + 2}: expected 'timestamp,value', found '${line}'`);
    return { ms: parseNabTime(ts, `${where} line ${i + 2}`), value };
  });
}

export function readNab(dir: string): NabData {
  const labelsPath = join(dir, 'labels', 'combined_windows.json');
  if (!existsSync(labelsPath)) {
    throw new Error(
      `--nab ${dir}: ${labelsPath} not found; point --nab at a copy of the NAB repository (its data/ and labels/ folders)`,
    );
  }
  const parsed = WINDOWS.safeParse(JSON.parse(readFileSync(labelsPath, 'utf8')));
  if (!parsed.success)
    throw new Error(
      `--nab ${dir}: ${labelsPath} is not NAB's combined_windows.json (a map of file to [start, end] pairs)`,
    );
  const series: NabSeries[] = [];
  const missing: string[] = [];
  for (const spec of NAB_SERIES) {
    const path = join(dir, 'data', spec.file);
    if (!existsSync(path)) {
      missing.push(spec.file);
      continue;
    }
    const points = parseNabCsv(readFileSync(path, 'utf8'), path).sort((a, b) => a.ms - b.ms);
    const windows = (parsed.data[spec.file] ?? []).map(
      ([a, b]) => [parseNabTime(a, labelsPath), parseNabTime(b, labelsPath)] as const,
    );
    series.push({ spec, points, windows });
  }
  if (series.length === 0)
    throw new Error(
      `--nab ${dir}: none of the NAB series the benchmark uses is under ${join(dir, 'data')} (for example ${NAB_SERIES[0]!.file})`,
    );
  return { series, missing };
}
