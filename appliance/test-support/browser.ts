// Real-browser test harness: Debian's chromium driven by playwright-core, with fake camera and
// microphone (optionally a .y4m file from fake-camera.ts as the camera), loopback WebRTC allowed,
// and phone-shaped pages for the citizen side. See /work/shared/stack-notes.md "Browser tests".
//
// The profile: playwright's `launch()` refuses a `--user-data-dir` argument; it makes a fresh
// temp profile itself (os.tmpdir()/playwright_chromiumdev_profile-*), passes it as
// `--user-data-dir`, and deletes it when the browser closes. `launchPersistentContext(dir)` would
// let us pick the dir, but it yields a single context, and mobile emulation, locale, geolocation
// and cookies are per context, so a citizen phone and an officer console could not be separated.
// Hence `launch()`, plus our own temp dir (downloads, traces, test artifacts) removed on close.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type Geolocation, type Page } from 'playwright-core'

export const CHROMIUM_PATH = '/usr/bin/chromium'

const OUR_DISABLED_FEATURES = ['WebRtcHideLocalIpsWithMdns']

/** The flags from stack-notes, minus --disable-features (merged separately, see launchBrowser). */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--allow-loopback-in-peer-connection',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
]

/** Tianfu Square, Chengdu. */
export const CHENGDU: Geolocation = { latitude: 30.6574, longitude: 104.0806, accuracy: 10 }

export interface LaunchOptions {
  /** A .y4m file (see fake-camera.ts) played in a loop as the camera; default: Chromium's built-in pattern. */
  fakeVideoFile?: string
  /** Extra Chromium flags (not --disable-features or --user-data-dir). */
  args?: string[]
  /** Features to disable in addition to playwright's and ours. */
  disableFeatures?: string[]
}

export type TestBrowser = Browser & {
  /** Our temp dir (downloads, traces, whatever the test puts there); removed when the browser closes. */
  readonly tmpDir: string
}

let playwrightFeatures: Promise<string[]> | undefined

/**
 * The features playwright itself disables. Chromium keeps only the LAST --disable-features switch,
 * so passing ours as a separate flag would silently re-enable all of playwright's (HttpsUpgrades,
 * PaintHolding, MediaRouter, ...). playwright has no API for its list, so we ask it once: launch a
 * stub "browser" that records its argv and exits.
 */
export function playwrightDisabledFeatures(): Promise<string[]> {
  playwrightFeatures ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'kuaichu-pw-argv-'))
    try {
      const argvFile = join(dir, 'argv')
      const stub = join(dir, 'chromium')
      await writeFile(stub, `#!/bin/sh\nprintf '%s\\n' "$@" > "${argvFile}"\nexit 1\n`, { mode: 0o755 })
      await chromium.launch({ executablePath: stub, timeout: 10_000 }).then(
        (b) => b.close(),
        () => undefined,
      )
      const argv = (await readFile(argvFile, 'utf8').catch(() => '')).split('\n')
      return argv
        .filter((a) => a.startsWith('--disable-features='))
        .flatMap((a) => a.slice('--disable-features='.length).split(','))
        .filter(Boolean)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })()
  return playwrightFeatures
}

export async function launchBrowser(opts: LaunchOptions = {}): Promise<TestBrowser> {
  for (const a of opts.args ?? []) {
    if (a.startsWith('--disable-features') || a.startsWith('--user-data-dir')) throw new Error(`launchBrowser: pass ${a} through its option`)
  }
  const features = [...new Set([...(await playwrightDisabledFeatures()), ...OUR_DISABLED_FEATURES, ...(opts.disableFeatures ?? [])])]
  const args = [...CHROMIUM_ARGS, `--disable-features=${features.join(',')}`, ...(opts.args ?? [])]
  if (opts.fakeVideoFile) args.push(`--use-file-for-fake-video-capture=${opts.fakeVideoFile}`)

  const tmpDir = mkdtempSync(join(tmpdir(), 'kuaichu-browser-'))
  const removeTmp = () => rmSync(tmpDir, { recursive: true, force: true })
  process.once('exit', removeTmp)
  let browser: Browser
  try {
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args,
      downloadsPath: join(tmpDir, 'downloads'),
      tracesDir: join(tmpDir, 'traces'),
      timeout: 30_000,
    })
  } catch (err) {
    removeTmp()
    process.off('exit', removeTmp)
    throw err
  }
  // browser.close() resolves only after 'disconnected' has been emitted, so the dir is gone by then;
  // a crashed browser cleans up the same way.
  browser.once('disconnected', () => {
    removeTmp()
    process.off('exit', removeTmp)
  })
  return Object.assign(browser, { tmpDir })
}

export interface PageOptions {
  viewport?: { width: number; height: number }
  deviceScaleFactor?: number
  isMobile?: boolean
  hasTouch?: boolean
  locale?: string
  timezoneId?: string
  userAgent?: string
  /** Fake position; null for none (then getCurrentPosition fails). Default CHENGDU. */
  geolocation?: Geolocation | null
  /**
   * Origin (e.g. 'http://127.0.0.1:8080') to grant camera, microphone and geolocation to. Default:
   * every origin of the page's own context (tests only ever visit http://127.0.0.1:<random port>).
   */
  origin?: string
}

const PERMISSIONS = ['camera', 'microphone', 'geolocation']

/** A page in its own context (own cookies, storage, permissions), with error collection on. */
export async function newPage(browser: Browser, opts: PageOptions = {}): Promise<Page> {
  const geolocation = opts.geolocation === undefined ? CHENGDU : opts.geolocation
  const context: BrowserContext = await browser.newContext({
    viewport: opts.viewport ?? { width: 1280, height: 800 },
    ...(opts.deviceScaleFactor === undefined ? {} : { deviceScaleFactor: opts.deviceScaleFactor }),
    ...(opts.userAgent === undefined ? {} : { userAgent: opts.userAgent }),
    isMobile: opts.isMobile ?? false,
    hasTouch: opts.hasTouch ?? false,
    locale: opts.locale ?? 'zh-CN',
    timezoneId: opts.timezoneId ?? 'Asia/Shanghai',
    ...(geolocation ? { geolocation } : {}),
  })
  await context.grantPermissions(PERMISSIONS, opts.origin ? { origin: opts.origin } : {})
  const page = await context.newPage()
  watchPageErrors(page)
  // Closing the page closes its private context too.
  page.once('close', () => void context.close().catch(() => undefined))
  return page
}

/** A phone: 390x844 CSS px at 3x, touch, zh-CN, Asia/Shanghai, in Chengdu. */
export function newPhonePage(browser: Browser, opts: PageOptions = {}): Promise<Page> {
  return newPage(browser, {
    viewport: { width: 390, height: 844 },
    deviceScaleFactor: 3,
    isMobile: true,
    hasTouch: true,
    userAgent: `Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/${browser.version()} Mobile Safari/537.36`,
    ...opts,
  })
}

/** Moves a page's (context's) fake position. */
export function setGeolocation(page: Page, position: Geolocation | null): Promise<void> {
  return page.context().setGeolocation(position)
}

export interface PageError {
  kind: 'console' | 'pageerror' | 'crash'
  text: string
  url?: string
}

const pageErrors = new WeakMap<Page, PageError[]>()

/** Starts collecting console.error messages, uncaught exceptions and crashes (idempotent). */
export function watchPageErrors(page: Page): PageError[] {
  let list = pageErrors.get(page)
  if (list) return list
  const errors: PageError[] = []
  pageErrors.set(page, errors)
  page.on('console', (msg) => {
    if (msg.type() !== 'error') return
    const { url, lineNumber } = msg.location()
    errors.push({ kind: 'console', text: msg.text(), ...(url ? { url: `${url}:${lineNumber}` } : {}) })
  })
  page.on('pageerror', (err) => errors.push({ kind: 'pageerror', text: err.stack ?? String(err) }))
  page.on('crash', () => errors.push({ kind: 'crash', text: 'page crashed' }))
  return errors
}

/** Errors collected so far on a page made by newPage/newPhonePage (or passed to watchPageErrors). */
export function errorsOf(page: Page): PageError[] {
  return watchPageErrors(page)
}

/** Throws, listing them, if the page logged errors or threw; `ignore` skips known noise. */
export function assertNoPageErrors(page: Page, ignore: RegExp[] = []): void {
  const errors = errorsOf(page).filter((e) => !ignore.some((re) => re.test(e.text)))
  if (errors.length) {
    throw new Error(`page ${page.url()} had ${errors.length} error(s):\n${errors.map((e) => `  [${e.kind}] ${e.text}${e.url ? ` (${e.url})` : ''}`).join('\n')}`)
  }
}

/** Full-page PNG to `path` (parent dirs created); returns the bytes. */
export async function screenshot(page: Page, path: string): Promise<Buffer> {
  mkdirSync(dirname(path), { recursive: true })
  return page.screenshot({ path, fullPage: true })
}
