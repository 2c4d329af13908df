import t from 'tap'
import { statSync } from 'node:fs'
import { join } from 'node:path'
import { loadOrCreateNodeIdentity, PRIVATE_KEY_FILE, verifySignature } from './node-identity.ts'

t.test('the key pair is created once, kept private and signs verifiably', async (t) => {
  const dir = t.testdir()
  const first = loadOrCreateNodeIdentity(dir)
  t.equal(statSync(join(dir, PRIVATE_KEY_FILE)).mode & 0o777, 0o600, 'private key readable by the owner only')
  const again = loadOrCreateNodeIdentity(dir)
  t.equal(again.keyId, first.keyId, 'the same key after a restart')
  t.match(first.keyId, /^[0-9a-f]{16}$/)

  const signature = first.sign('determination 1')
  t.ok(verifySignature(first.publicKeyPem, 'determination 1', signature))
  t.notOk(verifySignature(first.publicKeyPem, 'determination 2', signature), 'other data fails')
  const other = loadOrCreateNodeIdentity(t.testdir())
  t.notOk(verifySignature(other.publicKeyPem, 'determination 1', signature), 'another key fails')
  t.notOk(verifySignature(first.publicKeyPem, 'determination 1', 'not base64 at all!'), 'garbage signature fails')
  t.notOk(verifySignature('not a key', 'determination 1', signature), 'garbage key fails')
})
