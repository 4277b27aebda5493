/**
 * The check worker: Check models (models/check) on this device, for the Models dialog. Client:
 * workers/check/client.ts, which starts it for one run and terminates it after, so every session it
 * opened is gone with it. Lines go back as they are decided, through a Comlink.proxy callback.
 */
import * as Comlink from 'comlink';
import type { CheckLine, Report } from '../models/check/report.ts';
import { checkModels } from '../models/check/run.ts';
import type { ModelProfile } from '../src/lib/models/profile.ts';
import { browserHost } from './check/browser-host.ts';

const api = {
  async run(profile: ModelProfile, onLine?: (line: CheckLine) => void): Promise<Report> {
    return checkModels(await browserHost(profile, onLine ? (l) => void onLine(l) : undefined));
  },
};

export type CheckWorkerApi = typeof api;
Comlink.expose(api);
