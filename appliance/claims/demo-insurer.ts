// An embedded demo insurer (and the tests' double): speaks one adapter's protocol from insurer-adapters.ts.
import type { DemoFailMode } from '../deliveries/demo-endpoint.ts'
import { startDemoEndpoint } from '../deliveries/demo-endpoint.ts'
import { INSURER_ADAPTERS } from './insurer-adapters.ts'
import type { OneTapInsurer } from './insurers.ts'

export function startDemoInsurer(insurer: OneTapInsurer, opts: { failMode?: DemoFailMode; hangMs?: number } = {}) {
  const a = INSURER_ADAPTERS[insurer]
  return startDemoEndpoint({
    path: a.path,
    body: a.request,
    accept: (_b, seq) => ({ [a.referenceField]: `${insurer}-${String(seq).padStart(6, '0')}` }),
    ...opts,
  })
}
