// A real atproto PDS (npm @atproto/pds) with an in-memory PLC directory
// (@did-plc/server), SQLite and disk blobs in a temporary folder, on loopback.
// Prints one line of JSON {"url": ...} when it answers, then runs until killed.
// Used by tests/publishers/test_pds_real.py; nothing here is part of dripcast.
'use strict'
const fs = require('node:fs')
const os = require('node:os')
const path = require('node:path')
const { PDS, envToCfg, envToSecrets, readEnv } = require('@atproto/pds')
const plc = require('@did-plc/server')
const { Secp256k1Keypair } = require('@atproto/crypto')

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dripcast-pds-'))
  const plcServer = plc.PlcServer.create({ db: plc.Database.mock(), port: 0 })
  await plcServer.start()
  const plcUrl = `http://127.0.0.1:${plcServer.server.address().port}`
  const rotation = await Secp256k1Keypair.create({ exportable: true })
  const hex = Buffer.from(await rotation.export()).toString('hex')
  const port = Number(process.argv[2] || 0) || 2583
  Object.assign(process.env, {
    PDS_HOSTNAME: 'localhost',
    PDS_PORT: String(port),
    PDS_DEV_MODE: 'true',
    PDS_DATA_DIRECTORY: dir,
    PDS_BLOBSTORE_DISK_LOCATION: path.join(dir, 'blobs'),
    PDS_DID_PLC_URL: plcUrl,
    PDS_JWT_SECRET: 'dripcast-test-jwt-secret',
    PDS_ADMIN_PASSWORD: 'dripcast-test-admin',
    PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX: hex,
    PDS_INVITE_REQUIRED: 'false',
    PDS_SERVICE_HANDLE_DOMAINS: '.test',
    PDS_RATE_LIMITS_ENABLED: 'false',
    LOG_ENABLED: 'false',
  })
  const env = readEnv()
  const pds = await PDS.create(envToCfg(env), envToSecrets(env))
  await pds.start()
  process.stdout.write(JSON.stringify({ url: `http://localhost:${port}`, plc: plcUrl }) + '\n')
  const stop = async () => {
    await pds.destroy().catch(() => {})
    await plcServer.destroy().catch(() => {})
    fs.rmSync(dir, { recursive: true, force: true })
    process.exit(0)
  }
  process.on('SIGTERM', stop)
  process.on('SIGINT', stop)
  process.stdin.on('end', stop) // the test went away
  process.stdin.resume()
}

main().catch((e) => {
  process.stderr.write(String((e && e.stack) || e) + '\n')
  process.exit(1)
})
