type Holder = { __touchpointInfraStop?: () => Promise<void> };

export default async function globalTeardown(): Promise<void> {
  const holder = globalThis as Holder;
  const stop = holder.__touchpointInfraStop;
  holder.__touchpointInfraStop = undefined;
  if (stop) await stop();
}
