import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'

export interface Certificate {
  key: string
  cert: string
}

/**
 * A throwaway self-signed certificate for the Sanity host names. Chromium is
 * told to ignore certificate errors, so it only has to exist: Node cannot
 * make an X.509 certificate by itself, so openssl (present wherever
 * Chromium is) makes one per run and nothing is stored.
 */
export function selfSignedCertificate(hosts: readonly string[]): Certificate {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'studio-stand-in-tls-'))
  try {
    const keyFile = path.join(dir, 'key.pem')
    const certFile = path.join(dir, 'cert.pem')
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:prime256v1',
        '-nodes',
        '-days',
        '2',
        '-subj',
        `/CN=${hosts[0] ?? 'localhost'}`,
        '-addext',
        `subjectAltName=${hosts.map((host) => `DNS:${host}`).join(',')}`,
        '-keyout',
        keyFile,
        '-out',
        certFile,
      ],
      { stdio: 'pipe' },
    )
    return { key: readFileSync(keyFile, 'utf8'), cert: readFileSync(certFile, 'utf8') }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
