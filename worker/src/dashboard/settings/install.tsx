/**
 * The install page (docs/dashboard.md, Install): the script tag for this site and this
 * worker, ready to copy, with the snippet queue, consent mode and the ES module for
 * single-page apps beside it (docs/sdk.md).
 */
import { Page, type NavContext } from "../layout";
import { Card } from "../sections";
import { TextArea } from "./fields";

export function InstallPage({ nav, site, origin }: { nav: NavContext; site: string; origin: string }) {
  const tag = `<script async src="${origin}/es.js" data-site="${site}"></script>`;
  const queue = [
    `<script>window.edgescore = window.edgescore || function () { (edgescore.q = edgescore.q || []).push(arguments) };</script>`,
    `<script>edgescore("track", "demo_request")</script>`,
  ].join("\n");
  const consent = [
    `<script async src="${origin}/es.js" data-site="${site}" data-consent="required"></script>`,
    `<!-- once the visitor agrees: -->`,
    `<script>edgescore("consent", true)</script>`,
  ].join("\n");
  const module = [
    `// dist/sdk/index.js (npm run build), copied into the app; types in index.d.ts`,
    `import { init, track, onStage } from "./edgescore/index.js";`,
    ``,
    `init({ site: "${site}", api: "${origin}" });`,
    `track("demo_request");`,
    `onStage((info) => document.documentElement.dataset.stage = info.stage);`,
  ].join("\n");
  return (
    <Page title={`Install · ${site} · edgescore`} signedIn nav={nav}>
      <div class="heading"><div><h1>Install</h1><p class="muted">The script for <code>{site}</code>, served by this worker.</p></div></div>
      <div class="grid install">
        <Card title="The script tag" wide
          note="Paste it into every page of the site, in <head>. It captures page views, forms, downloads, engagement and Web Vitals, and puts the visitor's stage on <html data-es-stage>. The page's origin must be one of the site's allowed origins.">
          <TextArea name="install-tag" label="Script tag (select it and copy)" value={tag} rows={2} readonly />
        </Card>
        <Card title="Calls before the script loads"
          note="The snippet queues calls made before the script has loaded; the script replays them.">
          <TextArea name="install-queue" label="Snippet queue" value={queue} rows={4} readonly />
        </Card>
        <Card title="Consent mode"
          note={`With data-consent="required" nothing is sent or stored until the visitor agrees. Global Privacy Control counts as a refusal unless data-gpc="ignore".`}>
          <TextArea name="install-consent" label="Script tag waiting for consent" value={consent} rows={4} readonly />
        </Card>
        <Card title="Single-page apps" wide
          note="The ES module build takes the same options as the tag's data attributes (site, api, consent, auto, downloads, cookieDomain, gpc), then the same calls.">
          <TextArea name="install-module" label="ES module" value={module} rows={6} readonly />
        </Card>
      </div>
    </Page>
  );
}
