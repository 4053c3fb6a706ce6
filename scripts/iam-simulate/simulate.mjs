// Evaluate AWS requests against real policies with @cloud-copilot/iam-simulate.
// stdin: a JSON list of {name, simulation}; stdout: a JSON list of {name, result, error}.
// result is Allowed, ImplicitlyDenied or ExplicitlyDenied (the library's words).
import { runUnsafeSimulation } from '@cloud-copilot/iam-simulate'
import { loadPolicy } from '@cloud-copilot/iam-policy'

// Workaround, iam-simulate 0.1.173: runSimulation drops context keys written with a colon
// after the service's key prefix (kms:EncryptionContext:aws:s3:arn, the OIDC provider's
// token.actions.githubusercontent.com:sub), so their conditions could never match; the
// unvalidated entry point keeps them but loads the resource policy without the name the
// engine then reads (metadata() is undefined). Give unnamed policies a name.
const proto = Object.getPrototypeOf(loadPolicy({ Version: '2012-10-17', Statement: [] }))
const metadata = proto.metadata
proto.metadata = function () {
  return metadata.call(this) ?? { name: 'resource-policy' }
}

const chunks = []
for await (const chunk of process.stdin) chunks.push(chunk)
const cases = JSON.parse(Buffer.concat(chunks).toString('utf8'))
const answers = cases.map(({ name, simulation }) => {
  try {
    const full = { serviceControlPolicies: [], resourceControlPolicies: [], identityPolicies: [], ...simulation }
    return { name, result: runUnsafeSimulation(full, {}) }
  } catch (error) {
    return { name, error: String(error) }
  }
})
process.stdout.write(JSON.stringify(answers))
