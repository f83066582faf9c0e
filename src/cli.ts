import { setMaxListeners } from 'node:events';
import { Argument, Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { DEFAULTS, earlyConfig, resolveConfig, type Config, type GlobalFlags } from './config.js';
import { configFileLocation, readConfigFile } from './config-file.js';
import { EXIT, InkzeeError, PipeClosed, storeFault } from './errors.js';
import { Output } from './output/output.js';
import { StdoutWriter } from './output/stdout.js';
import { stripControls } from './output/sanitize.js';
import { createContext, type Context } from './commands/context.js';
import { leanHeap } from './heap.js';

import { VERSION } from './version.js';
import { nodeProblem } from './node-version.js';

type Action = (ctx: Context, ...args: any[]) => Promise<void> | void;

function examples(...lines: string[]): string {
  return `\nExamples:\n${lines.map((l) => `  $ ${l}`).join('\n')}\n`;
}

/** buildProgram defines every command; actions receive a Context built from the global flags. */
export function buildProgram(run: (action: Action, cmd: Command, args: unknown[]) => Promise<void>): Command {
  const program = new Command('inkzee')
    .description('Import OPML subscription lists, crawl the feeds into SQLite, read and classify the news.')
    .version(VERSION, '-V, --version')
    .option('--db <path>', 'database file (default: $INKZEE_DB, else the config file, else $XDG_DATA_HOME/inkzee/inkzee.db)')
    .option('--config <file>', 'settings file (default: $INKZEE_CONFIG, else $XDG_CONFIG_HOME/inkzee/config.toml)')
    .option('--json', 'write NDJSON (one object per line) to stdout')
    .option('-q, --quiet', 'print nothing but errors')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({
      // Help and --version go through the same writer as data: `inkzee --help | head -1` ends
      // quietly, `> /dev/full` is one line, not an unhandled EPIPE or ENOSPC with a stack.
      writeOut: (s) => {
        const w = new StdoutWriter(1);
        w.write(s);
        w.flush();
      },
      writeErr: (s) => process.stderr.write(s),
      // Commander quotes what it was given ("argument 'x' is invalid"), which may come from a feed via a script.
      outputError: (s, write) => write(`inkzee: ${stripControls(s.replace(/^error: /, ''))}`),
    })
    .addHelpText(
      'after',
      examples('inkzee import scoble.opml', 'inkzee refresh --quiet', 'inkzee feeds --category Technology', 'inkzee export backup.opml'),
    );

  // Each action's module is loaded only when its command runs, keeping start-up light.
  const lazyActions =
    <M>(load: () => Promise<M>) =>
    (name: keyof M) =>
    async (...args: unknown[]) => {
      const cmd = args.at(-1) as Command;
      await run((await load())[name] as Action, cmd, args.slice(0, -2));
    };
  const act = lazyActions(() => import('./commands/actions.js'));
  // The crawling commands' actions, so that reading commands never load the crawl and its HTTP client.
  const actCrawl = lazyActions(() => import('./commands/crawl-actions.js'));
  // The classify actions live in their own module, loaded only when a classify command runs.
  const actClassify = lazyActions(() => import('./commands/classify-actions.js'));
  const actConfig = lazyActions(() => import('./commands/config.js'));

  // The subscription commands that fetch nothing (remove, edit, pause, resume) never load the crawl.
  const actSubs = lazyActions(() => import('./commands/subscription-actions.js'));

  // How feeds are fetched: the flags of every command that fetches (crawlFlags adds --wait for those
  // that take the crawl lock). No commander defaults: a flag not typed leaves the value to INKZEE_*,
  // then the config file (config.ts).
  const fetchFlags = (c: Command) =>
    c
      .option('-c, --concurrency <n>', `feeds fetched at once (default: ${DEFAULTS.concurrency})`)
      .option('--per-host <n>', `requests in flight to one host at once (default: ${DEFAULTS.perHost})`)
      .option('--timeout <seconds>', `total time allowed per feed (connect, first byte, body) (default: ${DEFAULTS.timeout})`)
      .option('--max-size <MiB>', `largest feed body accepted, after decompression (default: ${DEFAULTS.maxSize})`)
      .option('--deny-private-networks', 'refuse loopback, private and link-local addresses (checked after DNS, on redirects too)')
      .addOption(
        new Option(
          '--allow-private-networks',
          'connect to any address (the default for import and refresh; worker denies private networks without it or private-networks = "allow" in the config file)',
        ).conflicts('denyPrivateNetworks'),
      );
  const crawlFlags = (c: Command) => fetchFlags(c).option('--wait', 'wait for a running crawl to finish instead of exiting with 75');

  crawlFlags(
    program
      .command('import')
      .argument('<file>', 'OPML file, or - for standard input')
      .description('store the subscriptions of an OPML file (folders become categories), then crawl the new ones')
      .option('--no-fetch', 'only store the subscriptions, do not crawl them'),
  )
    .addHelpText(
      'after',
      examples(
        'inkzee import scoble.opml',
        'inkzee import subs.opml --no-fetch',
        'curl -s https://example.com/subs.opml | inkzee import - --concurrency 32',
      ),
    )
    .action(actCrawl('importAction'));

  fetchFlags(
    program
      .command('add')
      .argument('<url...>', 'feed URL, or a web page whose <link rel="alternate"> names its feed; - reads URLs from standard input')
      .description('subscribe to feeds: each URL is fetched and checked, then stored with its items (nothing stored if it fails)')
      .option('--category <path>', 'file the feeds in this folder, e.g. Technology/Programming')
      .option('--title <name>', "your name for the feed (default: the feed's own title)")
      .option('--no-fetch', 'store the subscriptions without fetching or checking them'),
  )
    .addHelpText(
      'after',
      examples(
        'inkzee add https://blog.example.com/feed.xml',
        'inkzee add https://blog.example.com/ --category Technology/Programming --title "Example blog"',
        'inkzee add - < urls.txt',
        'inkzee add https://example.org/atom.xml --no-fetch',
      ),
    )
    .action(actCrawl('addAction'));

  program
    .command('remove')
    .argument('[feed...]', 'feed id or URL, from `inkzee feeds`')
    .description('unsubscribe: the feeds go with their items, labels and corrections, in one transaction')
    .option('--category <path>', 'every feed in this folder and its subfolders (needs --yes)')
    .option('--yes', 'with --category: really remove them')
    .addHelpText(
      'after',
      examples('inkzee remove 42', 'inkzee remove https://blog.example.com/feed.xml 43', 'inkzee remove --category Old --yes'),
    )
    .action(actSubs('removeAction'));

  program
    .command('edit')
    .argument('<feed>', 'feed id or URL, from `inkzee feeds`')
    .description('rename a feed, move it to a folder, or correct its URL (items and read state stay)')
    .option('--title <name>', 'your name for the feed ("" goes back to the feed\'s own title)')
    .option('--category <path>', 'move it to this folder ("" is the top level)')
    .option('--url <url>', 'fetch it from this URL from now on (the old one stays known, so a re-import does not add it again)')
    .addHelpText(
      'after',
      examples(
        'inkzee edit 42 --title "Daring Fireball"',
        'inkzee edit 42 --category Technology/Apple',
        'inkzee edit 42 --url https://example.com/feed.atom',
      ),
    )
    .action(actSubs('editAction'));

  program
    .command('pause')
    .argument('[feed...]', 'feed id or URL, from `inkzee feeds`')
    .description('stop fetching feeds (refresh and workers skip them, even with --force) until `inkzee resume`')
    .option('--category <path>', 'every feed in this folder and its subfolders')
    .addHelpText('after', examples('inkzee pause 42', 'inkzee pause --category Podcasts'))
    .action(actSubs('pauseAction'));

  program
    .command('resume')
    .argument('[feed...]', 'feed id or URL, from `inkzee feeds`')
    .description('fetch paused feeds again, at the next refresh; also enables a feed disabled by HTTP 410 Gone')
    .option('--category <path>', 'every feed in this folder and its subfolders')
    .addHelpText('after', examples('inkzee resume 42', 'inkzee resume --category Podcasts'))
    .action(actSubs('resumeAction'));

  crawlFlags(
    program
      .command('refresh')
      .description('crawl the feeds that are due: conditional GET, only new items stored')
      .option(
        '--feed <id|url>',
        'only this feed (crawled now, even if disabled or backing off; repeat: any of them)',
        (v: string, prev: string[] = []) => [...prev, v],
      )
      .option(
        '--category <path>',
        'only feeds in this folder and its subfolders (repeat: any of them)',
        (v: string, prev: string[] = []) => [...prev, v],
      )
      .option('--force', 'ignore backoff: crawl failing feeds now too'),
  )
    .option(
      '--exec <cmd>',
      'after the crawl, run this shell command once with the new items as NDJSON on stdin ("" for none; default: on-new-items)',
    )
    .option('--exec-timeout <seconds>', `kill the --exec command after this long (default: ${DEFAULTS.execTimeout})`)
    .addHelpText(
      'after',
      examples(
        'inkzee refresh',
        'inkzee refresh --quiet        # from cron: silent unless something failed',
        'inkzee refresh --category Technology --force',
        'inkzee refresh --json | jq -c \'select(.type == "feed" and .newItems > 0)\'',
      ),
    )
    .action(actCrawl('refreshAction'));

  crawlFlags(
    program
      .command('worker')
      .description(
        'crawl due feeds continuously, claiming whole hosts under leases: run one or more per machine against one PostgreSQL store',
      )
      .option('--interval <minutes>', 'fetch each feed at most this often', '60')
      .option('--exit-when-idle', 'exit 0 once nothing is due or claimed (for scripts and tests)'),
  )
    .option(
      '--exec <cmd>',
      'after each round, run this shell command once with its new items as NDJSON on stdin ("" for none; default: on-new-items)',
    )
    .option('--exec-timeout <seconds>', `kill the --exec command after this long (default: ${DEFAULTS.execTimeout})`)
    .addHelpText(
      'after',
      examples(
        'INKZEE_DB=postgres://inkzee@db.example/inkzee inkzee worker',
        'inkzee worker --concurrency 32 --per-host 2 --interval 30',
        'inkzee worker --exit-when-idle --json | jq -c \'select(.type == "feed")\'',
        'inkzee worker --allow-private-networks   # an intranet service: crawl private addresses too',
      ),
    )
    .action(actCrawl('workerAction'));

  program
    .command('feeds')
    .description('list subscriptions')
    .option(
      '--category <path>',
      'only this folder and its subfolders, e.g. Technology/Programming (repeat: any of them)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--failing', 'only feeds whose last fetch failed, and disabled ones')
    .option(
      '--feed <id|url>',
      'only this feed, shown in full: your name for it and what the feed says about itself (repeat: any of them)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .addOption(new Option('--format <format>', 'human output format').choices(['table', 'tsv']).default('table'))
    .addHelpText(
      'after',
      examples(
        'inkzee feeds',
        'inkzee feeds --failing',
        'inkzee feeds --feed 12',
        'inkzee feeds --category Technology --json | jq -r .url',
        "inkzee feeds --json | jq -r '[.title, .docTitle, .language] | @tsv'",
      ),
    )
    .action(act('feedsAction'));

  // A flag that holds one value, given twice: refused rather than the last one kept unsaid (a rule
  // stored with half of what was typed would be worse than no rule).
  const once = (v: string, prev: string | undefined) => {
    if (prev !== undefined)
      throw new InvalidArgumentError(`given twice (${JSON.stringify(prev)}, then ${JSON.stringify(v)}); give it once`);
    return v;
  };
  // The filters of `items` that say which items (not when, nor how many): rules take them too.
  const feedFlags = (c: Command) =>
    c
      .option('--feed <id|url>', 'only items of this feed (repeat: of any of them)', (v: string, prev: string[] = []) => [...prev, v])
      .option(
        '--category <path>',
        'only feeds in this folder and its subfolders (repeat: any of them)',
        (v: string, prev: string[] = []) => [...prev, v],
      );
  const contentFlags = (c: Command) =>
    c
      .option('--label <label>', 'only items the classifier labelled so')
      .option(
        '--tag <tag>',
        'only items the feed filed under this category/tag (any case; repeat: all of them)',
        (v: string, prev: string[] = []) => [...prev, v],
      )
      .option('--has-enclosure [kind]', 'only items with an enclosure: any, or audio, video, image, or a MIME type (audio/mpeg)');
  const itemFlags = (c: Command) =>
    contentFlags(
      feedFlags(c)
        .option('--since <when>', 'published at or after: a duration back (2h, 3d, 1w) or an ISO date')
        .option('--until <when>', 'published before: a duration back or an ISO date'),
    )
      .option('--unread', 'only unread items')
      .addOption(new Option('--read', 'only items marked read').conflicts('unread'))
      .option('--starred', 'only starred items')
      .option('--unique', 'each story once: one post carried by several feeds is listed as its first copy, with the others (alsoIn)')
      .option('--limit <n>', 'at most this many items')
      .option('--after-id <id>', 'only items stored after this id, in id order (for pipelines that remember the largest id seen)')
      .addOption(new Option('--format <format>', 'human output format').choices(['table', 'tsv']).default('table'));

  itemFlags(program.command('items').description('list stored items, newest first'))
    .addHelpText(
      'after',
      examples(
        'inkzee items --limit 20',
        'inkzee items --since 1d --json | jq -r .link',
        'inkzee items --category Technology --since 2024-05-01 --format tsv',
        'inkzee items --tag rust --tag release',
        'inkzee items --unread --limit 50',
        'inkzee items --unread --unique',
        "inkzee items --has-enclosure audio --json | jq -r '.enclosures[0].url'",
      ),
    )
    .action(act('itemsAction'));

  itemFlags(
    program
      .command('search')
      .argument('<query>', 'words to find (all must match; word* for a prefix; a OR b)')
      .description('full-text search over titles, summaries and content, best match first'),
  )
    .addHelpText(
      'after',
      examples(
        'inkzee search rust',
        'inkzee search "memory safety" --since 1w',
        "inkzee search rust --json | jq -r '[.rank, .title] | @tsv'",
      ),
    )
    .action(act('searchAction'));

  program
    .command('show')
    .argument('<id>', 'item id, from `inkzee items` or `inkzee search`')
    .description('show one item in full (readable text; raw fields with --json), then mark it read')
    .option('--keep-unread', 'leave the item unread')
    .addHelpText(
      'after',
      examples(
        'inkzee show 123',
        'inkzee show 123 --json | jq -r .content',
        "inkzee show 123 --json | jq -r '.enclosures[].url'",
        'inkzee show 123 --keep-unread',
      ),
    )
    .action(act('showAction'));

  program
    .command('mark')
    .addArgument(new Argument('<mark>', 'what to do to the items').choices(['read', 'unread', 'star', 'unstar']))
    .argument('[ids...]', 'item ids, or - to read ids (or NDJSON items with an "id") from standard input, one a line')
    .description('mark items read or unread, star or unstar them: by id, or every item the filters match')
    .option('--feed <id|url>', 'items of this feed (repeat: of any of them)', (v: string, prev: string[] = []) => [...prev, v])
    .option(
      '--category <path>',
      'items of feeds in this folder and its subfolders (repeat: any of them)',
      (v: string, prev: string[] = []) => [...prev, v],
    )
    .option('--since <when>', 'published at or after: a duration back (2h, 3d, 1w) or an ISO date')
    .option('--until <when>', 'published before: a duration back or an ISO date')
    .option('--label <label>', 'items the classifier labelled so')
    .option('--tag <tag>', 'items the feed filed under this category/tag (repeat: all of them)', (v: string, prev: string[] = []) => [
      ...prev,
      v,
    ])
    .option('--has-enclosure [kind]', 'items with an enclosure: any, or audio, video, image, or a MIME type')
    .option('--unread', 'only unread items')
    .addOption(new Option('--read', 'only items marked read').conflicts('unread'))
    .option('--starred', 'only starred items')
    .option('--all', 'every item (required when no id and no filter is given)')
    .option('--dry-run', 'count the items that would change, change nothing')
    .addHelpText(
      'after',
      examples(
        'inkzee mark read 123 124',
        'inkzee mark read --feed 42',
        'inkzee mark read --category News --until 1d',
        'inkzee mark star 123',
        'inkzee mark read --all --dry-run',
        'inkzee items --unread --json | jq -c \'select(.title | test("sponsored"; "i"))\' | inkzee mark read -',
      ),
    )
    .action(act('markAction'));

  const actRules = lazyActions(() => import('./commands/rules-actions.js'));
  const rules = program
    .command('rules')
    .description('rules that mark items read or star them: applied to each item a crawl stores and each label classify gives')
    .addHelpText(
      'after',
      examples(
        'inkzee rules add sports --do read --label Sports',
        'inkzee rules add no-sponsored --do read --title "^(sponsored|ad):"',
        'inkzee rules add releases --do star --feed 12 --search "release OR released"',
        'inkzee rules list',
        'inkzee rules apply --all --dry-run',
        'inkzee rules remove sports',
      ),
    );
  contentFlags(
    feedFlags(
      rules
        .command('add')
        .argument('<name>', 'the rule\'s name (letters, digits, ".", "_", "-")')
        .description(
          'store a rule: what it does (--do) to items matching its filters (at least one); it applies to items stored from now on',
        )
        .option('--do <action>', 'what to do to matching items: read (mark them read) or star', once),
    ),
  )
    .option('--search <query>', 'only items matching this search query (as `inkzee search` takes it)', once)
    .option('--title <regex>', 'only items whose title matches this JavaScript regular expression (case-insensitive)', once)
    .option(
      '--model <name>',
      `with --label: the classifier model whose labels count (a trained one; default: "${DEFAULTS.model}", or as configured)`,
      once,
    )
    .addHelpText(
      'after',
      examples(
        'inkzee rules add sports --do read --label Sports',
        'inkzee rules add podcasts --do star --category Podcasts --has-enclosure audio',
        'inkzee rules add no-deals --do read --tag deals --title "\\bdeal(s)?\\b"',
      ),
    )
    .action(actRules('rulesAddAction'));
  rules
    .command('list')
    .description('list the rules')
    .addHelpText('after', examples('inkzee rules list', 'inkzee rules list --json | jq -r .name'))
    .action(actRules('rulesListAction'));
  rules
    .command('remove')
    .argument('<name>', 'the rule to remove')
    .description('remove a rule (the items it marked stay as they are)')
    .addHelpText('after', examples('inkzee rules remove sports'))
    .action(actRules('rulesRemoveAction'));
  rules
    .command('apply')
    .argument('[name...]', 'the rules to apply (see `inkzee rules list`)')
    .description('apply rules to every stored item now, not only to new ones')
    .option('--all', 'every rule')
    .option('--dry-run', 'count (with --json: list) the items that would change, change nothing')
    .addHelpText(
      'after',
      examples(
        'inkzee rules apply sports',
        'inkzee rules apply --all --dry-run',
        "inkzee rules apply sports --dry-run --json | jq -r '.title'",
      ),
    )
    .action(actRules('rulesApplyAction'));

  program
    .command('stats')
    .description('feeds by state, items per day, top feeds, database size')
    .addHelpText('after', examples('inkzee stats', 'inkzee stats --json | jq .feeds'))
    .action(act('statsAction'));

  program
    .command('config')
    .description('show the effective settings and where each came from (flag, environment, config file, default)')
    .option('--path', "print only the config file's path (read or not)")
    .addHelpText(
      'after',
      examples('inkzee config', 'inkzee config --json | jq -c \'select(.source == "file")\'', '$EDITOR "$(inkzee config --path)"'),
    )
    .action(actConfig('configAction'));

  const classify = program
    .command('classify')
    .description('label stored items by topic with a trained model (the engine); train it first')
    .addHelpText(
      'after',
      examples(
        'inkzee classify train --from-folders',
        'inkzee classify --min-confidence 0.8',
        'inkzee items --label Technology',
        'inkzee classify explain 123',
        'inkzee classify teach 123 Science',
        "inkzee items --since 1d --json | inkzee classify --stdin | jq -r '[.label, .title] | @tsv'",
      ),
    );

  // The default subcommand: `inkzee classify [--model M] [--all] [--stdin] [--min-confidence X]`.
  classify
    .command('label', { isDefault: true })
    .description('label stored items this model has not labelled yet (the default when no subcommand is given)')
    .option('--model <name>', `model to use (default: "${DEFAULTS.model}")`)
    .option('--all', 'relabel every item, not only those this model has not labelled')
    .option('--stdin', 'read NDJSON items on stdin, write them back with "label" and "confidence"')
    .option(
      '--min-confidence <x>',
      'label only when the model is at least this sure (0–1); below it: no label (with --stdin, "label": null and the "guess")',
    )
    .addHelpText(
      'after',
      examples(
        'inkzee classify',
        'inkzee classify --model news --all --min-confidence 0.8',
        "inkzee items --json | inkzee classify --stdin --min-confidence 0.8 | jq -c 'select(.label) | {label: .label, confidence, title}'",
      ),
    )
    .action(actClassify('classifyAction'));

  classify
    .command('train')
    .description('learn topics from your OPML folders or from a labelled file (with your corrections, see teach)')
    .option('--from-folders', 'every item of a feed filed under "Technology/…" is an example of "Technology"')
    .option('--depth <n>', 'with --from-folders: how many folder levels make a label', '1')
    .option('--from-tags', "learn from the items' own categories (tags): each item is an example of its most used tag")
    .option('--min-tag-items <n>', 'with --from-tags: only tags that at least this many items carry become labels', '10')
    .option(
      '--labels <file>',
      'CSV with a "label" column and text columns (title, description, summary, text, content), or NDJSON; - for stdin',
    )
    .option('--columns <names>', 'column names for a CSV without a header, e.g. label,title,description')
    .option('--model <name>', `name to store the model under (default: "${DEFAULTS.model}")`)
    .addHelpText(
      'after',
      examples(
        'inkzee classify train --from-folders',
        'inkzee classify train --from-folders --depth 2 --model detailed',
        'inkzee classify train --from-tags --min-tag-items 20 --model tags',
        'inkzee classify train --labels labelled.csv --model news',
        'inkzee classify train --labels train.csv --columns label,title,description',
      ),
    )
    .action(actClassify('classifyTrainAction'));

  classify
    .command('eval')
    .argument('<file>', 'labelled CSV or NDJSON, as for train --labels')
    .description('accuracy, macro-F1, per-label precision and recall, confusion matrix, calibration and coverage per --min-confidence')
    .option('--model <name>', `model to evaluate (default: "${DEFAULTS.model}")`)
    .option('--columns <names>', 'column names for a CSV without a header')
    .addHelpText(
      'after',
      examples(
        'inkzee classify eval held-out.csv',
        'inkzee classify eval dev.csv --columns label,title,description --json | jq .calibration.ece',
      ),
    )
    .action(actClassify('classifyEvalAction'));

  classify
    .command('models')
    .description('list trained models with their labels, training size, date and corrections')
    .addHelpText('after', examples('inkzee classify models', 'inkzee classify models --json | jq -r .name'))
    .action(actClassify('classifyModelsAction'));

  classify
    .command('explain')
    .argument('<item>', 'item id, from `inkzee items`')
    .description('why the model labels an item so: label, confidence, runner-up, and the words and word pairs that pushed most')
    .option('--model <name>', `model to ask (default: "${DEFAULTS.model}")`)
    .option('--top <n>', 'how many words to show each way', '8')
    .addHelpText(
      'after',
      examples('inkzee classify explain 123', "inkzee classify explain 123 --model news --json | jq -r '.towards[].text'"),
    )
    .action(actClassify('classifyExplainAction'));

  classify
    .command('teach')
    .argument('<item>', 'item id, from `inkzee items`')
    .argument('<label>', 'the label it should have (one the model knows)')
    .description(
      'correct a label: the item takes it at once, and every later `classify train` of the model from the same source learns from it',
    )
    .option('--model <name>', `model to correct (default: "${DEFAULTS.model}")`)
    .addHelpText(
      'after',
      examples(
        'inkzee classify teach 123 Science',
        'inkzee classify teach 123 Science && inkzee classify train --from-folders && inkzee classify',
      ),
    )
    .action(actClassify('classifyTeachAction'));

  classify
    .command('corrections')
    .description('list the corrections you taught (all models, or one), or remove one')
    .option('--model <name>', 'only this model (with --remove: default the configured model, "default")')
    .option('--remove <item>', 'forget the correction of this item; the model labels it again')
    .addHelpText(
      'after',
      examples(
        'inkzee classify corrections',
        'inkzee classify corrections --model news --json | jq -r .title',
        'inkzee classify corrections --remove 123',
      ),
    )
    .action(actClassify('classifyCorrectionsAction'));

  // prune's action in its own module, loaded only when it runs.
  const actPrune = lazyActions(() => import('./commands/prune-actions.js'));
  program
    .command('prune')
    .description(
      'delete items first seen longer ago than a duration, never starred ones nor ones with a classifier correction; a refresh does not bring them back',
    )
    .option('--older-than <when>', 'items first seen before this: a duration back (90d, 12w, 36h) or an ISO date (2026-01-01)')
    .option('--keep-unread', 'keep unread items too: prune only read ones')
    .option('--dry-run', 'count what would go, and change nothing')
    .option(
      '--vacuum',
      'then give the freed space back (SQLite: VACUUM the file; PostgreSQL: VACUUM (ANALYZE) the item tables); alone: only that',
    )
    .option('--wait', 'on SQLite, wait for a crawl under way to finish instead of exiting with 75')
    .addHelpText(
      'after',
      examples(
        'inkzee prune --older-than 90d --dry-run',
        'inkzee prune --older-than 90d --keep-unread',
        'inkzee prune --older-than 26w --vacuum',
        'inkzee prune --vacuum',
        'inkzee prune --older-than 30d --json | jq .items',
      ),
    )
    .action(actPrune('pruneAction'));

  // serve's action in its own module: no other command loads the HTTP server.
  const actServe = lazyActions(() => import('./commands/serve-actions.js'));
  program
    .command('serve')
    .description('serve the Google Reader API (as FreshRSS does) to reader apps: NetNewsWire, Reeder, FeedMe, Read You, newsboat')
    .option(
      '--listen <host:port>',
      'address and port to listen on (default: 127.0.0.1:8080; another address than loopback needs a password set)',
    )
    .option('--base-path <path>', 'URL path the API is served under (default: /api/greader)')
    .option('--set-password', 'read the API password from the terminal or standard input (one line), store its hash, and exit')
    .option('--user <name>', 'with --set-password: the user name apps log in with (default: inkzee)')
    // subscription/edit refuses private addresses by default and its reason names this flag: serve must take it.
    .option('--deny-private-networks', 'subscription/edit: refuse loopback, private and link-local addresses (the default)')
    .addOption(
      new Option(
        '--allow-private-networks',
        'subscription/edit and quickadd: subscribe to feeds on loopback and private addresses too (or private-networks = "allow" in the config file)',
      ).conflicts('denyPrivateNetworks'),
    )
    .addOption(new Option('--headers-timeout <seconds>').hideHelp())
    .addOption(new Option('--request-timeout <seconds>').hideHelp())
    .addHelpText(
      'after',
      examples(
        'inkzee serve --set-password',
        'inkzee serve',
        'inkzee serve --listen 0.0.0.0:8080 --json >> access.ndjson',
        'inkzee --db postgres://inkzee@db.example/inkzee serve --listen 127.0.0.1:8081',
      ),
    )
    .action(actServe('serveAction'));

  program
    .command('export')
    .argument('[file]', 'write to this file (default: standard output)')
    .description('write every subscription as OPML 2.0, folders preserved')
    .addHelpText('after', examples('inkzee export backup.opml', 'inkzee export > subs.opml'))
    .action(act('exportAction'));

  const actCompletion = lazyActions(() => import('./commands/completion-actions.js'));
  program
    .command('completion')
    .addArgument(new Argument('<shell>', 'the shell to complete for').choices(['bash', 'zsh', 'fish']))
    .description('print a completion script for bash, zsh or fish: commands, flags, their choices, your folders')
    .addHelpText(
      'after',
      examples(
        'source <(inkzee completion bash)   # in ~/.bashrc',
        'inkzee completion zsh > ~/.zfunc/_inkzee         # with fpath=(~/.zfunc $fpath) before compinit',
        'inkzee completion fish > ~/.config/fish/completions/inkzee.fish',
      ),
    )
    .action(actCompletion('completionAction'));

  // What the completion scripts run on Tab (the stored folders for --category): quiet on any failure.
  program
    .command('__complete', { hidden: true })
    .argument('[what]')
    .action(async (what: string | undefined, _opts: unknown, cmd: Command) => {
      const { completeAction } = await import('./commands/completion-actions.js');
      await completeAction(what, globalsOf(cmd), process.env);
    });

  return program;
}

function globalsOf(cmd: Command): GlobalFlags {
  return cmd.optsWithGlobals<GlobalFlags>();
}

/** report prints an error the way the user should see it and returns its exit code. */
function report(err: unknown, out: Output, cfg: Config): number {
  if (err instanceof PipeClosed) return EXIT.ok;
  err = storeFault(cfg.dbPath, err) ?? err; // a full disk or a lock met mid-command: one line naming the database
  if (err instanceof InkzeeError) {
    if (cfg.json) out.stderr.write(`${JSON.stringify({ type: 'error', code: err.code, message: err.message })}\n`);
    out.error(err.message);
    if (cfg.debug && err.stack) out.stderr.write(`${err.stack}\n`);
    return err.exitCode;
  }
  out.error(`internal error: ${(err as Error)?.message ?? String(err)}${cfg.debug ? '' : ' (INKZEE_DEBUG=1 shows the stack)'}`);
  if (cfg.debug && (err as Error)?.stack) out.stderr.write(`${(err as Error).stack}\n`);
  return EXIT.failure;
}

/** main runs the CLI: the only place that decides the process's exit code. */
export async function main(argv: string[], earlySignals: readonly string[] = []): Promise<void> {
  // npm only warns about engines (EBADENGINE); an older Node would fail later, in the first crawl.
  const tooOld = nodeProblem(process.versions.node);
  if (tooOld) {
    process.stderr.write(`inkzee: ${tooOld}\n`);
    process.exitCode = EXIT.failure;
    return;
  }
  leanHeap();
  // Messages that cannot be written (stderr on a full disk, or a pipe that closed) have nowhere left
  // to be reported: the exit code must still say what happened, not an unhandled 'error' event's 1.
  process.stderr.on('error', () => {});
  const env = {
    env: process.env,
    stdoutIsTTY: !!process.stdout.isTTY,
    stderrIsTTY: !!process.stderr.isTTY,
    columns: process.stdout.columns,
  };
  // Until a command runs, only the output settings matter: the database is chosen (and a bad
  // --db or INKZEE_DB refused) with the command's flags.
  let cfg = earlyConfig(env);
  let out = new Output(cfg);
  // SIGINT/SIGTERM: the first asks commands to stop starting work and commit what is done;
  // a second one quits at once.
  const interrupt = new AbortController();
  // Each request in flight listens to it until the request ends (fetch/http.ts deadlineFor): as many
  // as --concurrency at once, legitimately more than Node's default warning threshold of 10.
  setMaxListeners(0, interrupt.signal);
  const onSignal = () => {
    if (interrupt.signal.aborted) process.exit(EXIT.interrupted);
    interrupt.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  // Those that came while the program loaded (bin/inkzee.js kept them) count as if they came now.
  for (let k = 0; k < earlySignals.length; k++) onSignal();
  const program = buildProgram(async (action, cmd, args) => {
    const flags = globalsOf(cmd);
    // A bad config file or variable is reported as --json asks, before the settings exist.
    cfg = earlyConfig(env, flags);
    out = new Output(cfg);
    const where = configFileLocation(flags.config, env.env);
    // `inkzee config --path` answers where the file is even when the file is broken, and a
    // completion script, which no setting changes, is printed whatever the file holds.
    const unread = (cmd.name() === 'config' && cmd.opts().path) || cmd.name() === 'completion';
    const file = unread ? { ...where, found: false, values: {}, lines: {} } : readConfigFile(where, env.env);
    cfg = resolveConfig(flags, env, file);
    out = new Output(cfg);
    const ctx = createContext(cfg, out, () => new Date(), interrupt.signal);
    try {
      await action(ctx, ...args, cmd.opts(), cmd);
    } finally {
      await ctx.close();
      // A flush that fails other than on a closed pipe is reported in place of an error the action
      // may have thrown (kept as it was when the linter came: the output is lost either way).
      try {
        out.flush();
      } catch (err) {
        // eslint-disable-next-line no-unsafe-finally
        if (!(err instanceof PipeClosed)) throw err;
      }
    }
  });
  try {
    await program.parseAsync(argv);
    process.exitCode = EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      process.exitCode = err.exitCode === 0 ? EXIT.ok : EXIT.usage;
      return;
    }
    process.exitCode = report(err, out, cfg);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
