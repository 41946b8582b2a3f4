// Runs one browser scenario: node tests/ui/run.mjs NAME USER PASSWORD [USER2 PASSWORD2]. Exit 0 when it
// passed; 1 with the reason (and a screenshot of the moment) when it failed.
import { launch, shot, check, Failure } from "./lib.mjs";
import { scenarios as editing } from "./scenarios/editing.mjs";
import { scenarios as runs } from "./scenarios/runs.mjs";
import { scenarios as accounts } from "./scenarios/accounts.mjs";
import { scenarios as pages } from "./scenarios/pages.mjs";

const scenarios = { ...editing, ...runs, ...accounts, ...pages };

const [name, user, password, user2, password2] = process.argv.slice(2);
const scenario = scenarios[name];
if (!scenario) {
  console.error(`no scenario '${name}'; there are: ${Object.keys(scenarios).join(", ")}`);
  process.exit(2);
}
const session = await launch();
let failed = false;
try {
  await scenario(session, { user, password, user2, password2 });
  check(!session.problems.length, "the page reported problems:\n  " + session.problems.join("\n  "));
} catch (e) {
  failed = true;
  console.error(`${name}: ${e.message}`);
  if (!(e instanceof Failure)) console.error(e.stack);
  if (session.problems.length) console.error("page problems:\n  " + session.problems.join("\n  "));
  await shot(session.page, "FAILED-" + name).catch(() => {});
} finally {
  await session.close();
}
process.exit(failed ? 1 : 0);
