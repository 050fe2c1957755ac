/**
 * The three engines the browser script's tests run in, behind one small interface: Chromium
 * through Playwright, Firefox ESR through WebDriver BiDi (Puppeteer), WebKitGTK's MiniBrowser
 * through classic WebDriver (Selenium), each Debian's own build. What differs between them,
 * and what each can and cannot be made to do: docs/browsers.md.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type BrowserContext } from "playwright-core";
import puppeteer from "puppeteer-core";
import { Builder, Button, By, Key, type WebDriver } from "selenium-webdriver";
import { freePort } from "./servers";

export const ENGINES = ["chromium", "firefox", "webkit"] as const;
export type Engine = (typeof ENGINES)[number];

export interface ClickOptions {
  button?: "middle";
  /** Held down during the click, as a visitor opening a link in a new tab does. */
  ctrl?: boolean;
}

/** One tab. Every call waits for what it starts: a navigation for its page's load. */
export interface Tab {
  goto(url: string): Promise<void>;
  /** The browser's Back. */
  back(): Promise<void>;
  click(selector: string, options?: ClickOptions): Promise<void>;
  /** Types `text` into the field, key by key. */
  type(selector: string, text: string): Promise<void>;
  /** Runs `fn(arg)` in the page and answers its (awaited) result; `fn` travels as source, so it sees only `arg`. */
  evaluate<R, A = undefined>(fn: (arg: A) => R, arg?: A): Promise<Awaited<R>>;
  /** Closes the tab as a visitor does, the page's `pagehide` firing. */
  close(): Promise<void>;
}

export interface Browser {
  /** A new tab, on a blank page. */
  open(): Promise<Tab>;
  close(): Promise<void>;
}

export const launchEngine = (engine: Engine): Promise<Browser> => ({ chromium: launchChromium, firefox: launchFirefox, webkit: launchWebKit })[engine]();

/** Debian's Chromium, as CI installs it; flags that keep it off the (closed) network. */
export async function launch(options: Parameters<typeof chromium.launchPersistentContext>[1] = {}): Promise<BrowserContext & { close(): Promise<void> }> {
  const dir = mkdtempSync(path.join(tmpdir(), "edgescore-chromium-"));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    ...options,
  });
  const close = context.close.bind(context);
  return Object.assign(context, {
    close: async () => {
      await close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}

async function launchChromium(): Promise<Browser> {
  const context = await launch();
  return {
    close: () => context.close(),
    async open() {
      const page = await context.newPage();
      return {
        goto: async (url) => void (await page.goto(url)),
        back: async () => void (await page.goBack()),
        click: (selector, o = {}) => page.click(selector, { button: o.button ?? "left", modifiers: o.ctrl ? ["Control"] : [] }),
        type: (selector, text) => page.locator(selector).pressSequentially(text),
        evaluate: (fn, arg) => page.evaluate(fn as any, arg),
        close: () => page.close({ runBeforeUnload: true }),
      };
    },
  };
}

/** Debian's Firefox ESR over WebDriver BiDi. */
async function launchFirefox(): Promise<Browser> {
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: process.env.FIREFOX_PATH ?? "/usr/bin/firefox-esr",
    headless: true,
  });
  return {
    close: () => browser.close(),
    async open() {
      const page = await browser.newPage();
      return {
        goto: async (url) => void (await page.goto(url, { waitUntil: "load" })),
        // Puppeteer's goBack waits for a navigation event Firefox does not send for a page restored
        // from the back/forward cache (it hung): the same traversal from the page, then its load.
        async back() {
          const from = await page.evaluate(() => location.href);
          await page.evaluate(() => history.back());
          await page.waitForFunction((from) => location.href !== from && document.readyState === "complete", { polling: 50 }, from);
        },
        async click(selector, o = {}) {
          if (o.ctrl) await page.keyboard.down("Control");
          await page.click(selector, { button: o.button ?? "left" });
          if (o.ctrl) await page.keyboard.up("Control");
        },
        type: (selector, text) => page.type(selector, text),
        evaluate: (fn, arg) => page.evaluate(fn as any, arg) as any,
        close: () => page.close({ runBeforeUnload: true }),
      };
    },
  };
}

/** Starts `command`, answering the process once it wrote a line to stdout (Xvfb's display number). */
function startReading(command: string, args: string[]): Promise<{ child: ChildProcess; line: string }> {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "ignore"] });
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`${command} exited with ${code}`)));
    child.stdout!.once("data", (data: Buffer) => resolve({ child, line: data.toString().trim() }));
  });
}

/**
 * WebKitGTK's MiniBrowser, driven by WebKitWebDriver over classic WebDriver. It has no
 * headless mode: it gets an X display of its own from Xvfb, so it needs no desktop and
 * shows nothing on one.
 */
async function launchWebKit(): Promise<Browser> {
  const xvfb = await startReading("Xvfb", ["-displayfd", "1", "-screen", "0", "1280x1024x24", "-nolisten", "tcp"]);
  const port = await freePort();
  const driverProcess = spawn(process.env.WEBKIT_WEBDRIVER_PATH ?? "/usr/bin/WebKitWebDriver", [`--port=${port}`, "--host=127.0.0.1"], {
    stdio: "ignore",
    env: { ...process.env, DISPLAY: `:${xvfb.line}` },
  });
  const stopAll = () => {
    driverProcess.kill();
    xvfb.child.kill();
  };
  let driver: WebDriver;
  try {
    driver = await connect(`http://127.0.0.1:${port}`);
  } catch (e) {
    stopAll();
    throw e;
  }
  // The session's first window stays open, blank, so that closing a test's tab never ends the session.
  const home = await driver.getWindowHandle();
  // Every call acts on the current window: switch to the tab's own first (tabs may be open side by side).
  let current = home;
  const on = async (handle: string) => {
    if (current !== handle) await driver.switchTo().window(handle);
    current = handle;
  };
  return {
    async close() {
      await driver.quit().catch(() => {});
      stopAll();
    },
    async open() {
      await on(home);
      await driver.switchTo().newWindow("window");
      const handle = (current = await driver.getWindowHandle());
      const element = async (selector: string) => (await on(handle), driver.findElement(By.css(selector)));
      // The session's page load strategy is "none" (connect): WebKitWebDriver waits on after the
      // load, for requests the page starts then, such as the lazy chunk (a test holding it hung).
      // So a navigation marks the page it leaves, then waits for another page's load, or for
      // another address in the same page (Back to a history entry the page pushed).
      const navigate = async (go: () => Promise<unknown>) => {
        await on(handle);
        const from = await driver.executeScript("window.__left = true; return location.href");
        await go();
        const arrived = "return (!window.__left || location.href !== arguments[0]) && document.readyState === 'complete'";
        await driver.wait(async () => driver.executeScript(arrived, from).catch(() => false), 30_000);
      };
      return {
        goto: (url) => navigate(() => driver.get(url)),
        back: () => navigate(() => driver.navigate().back()),
        async click(selector, o = {}) {
          const target = await element(selector);
          if (!o.button && !o.ctrl) return target.click();
          const actions = driver.actions({ async: true });
          if (o.ctrl) actions.keyDown(Key.CONTROL);
          const button = o.button === "middle" ? Button.MIDDLE : Button.LEFT;
          actions.move({ origin: target }).press(button).release(button);
          if (o.ctrl) actions.keyUp(Key.CONTROL);
          await actions.perform();
        },
        type: async (selector, text) => (await element(selector)).sendKeys(text),
        async evaluate(fn, arg) {
          await on(handle);
          // Classic WebDriver runs a script body: it calls `fn` and hands back its settled result or error.
          const result = (await driver.executeAsyncScript(
            `const done = arguments[1]; Promise.resolve().then(() => (${fn.toString()})(arguments[0])).then((value) => done({ value }), (e) => done({ error: String(e) }));`,
            arg,
          )) as { value?: any; error?: string };
          if (result.error !== undefined) throw new Error(result.error);
          return result.value;
        },
        async close() {
          await on(handle);
          await driver.close();
          await on(home);
        },
      };
    },
  };
}

/** A WebDriver session with the MiniBrowser, once the driver listens (it takes a moment to start). */
async function connect(server: string): Promise<WebDriver> {
  const capabilities = {
    browserName: "MiniBrowser",
    pageLoadStrategy: "none",
    "webkitgtk:browserOptions": {
      binary: process.env.MINIBROWSER_PATH ?? "/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser",
      args: ["--automation"],
    },
  };
  for (let attempt = 0; ; attempt++) {
    try {
      return await new Builder().usingServer(server).withCapabilities(capabilities).build();
    } catch (e) {
      if (attempt >= 50) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}
