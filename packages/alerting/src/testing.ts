// `@argus/alerting/testing`: the notifier contract suite and its fixtures, for every notifier author. It lives
// here, beside the `Notifier` shape, because @argus/testkit cannot depend on alerting. Needs vitest.
export type { NotifierSuiteOptions } from './testing/notifier-suite.js';
export { testNotifier } from './testing/notifier-suite.js';
export type { Answer, LocalReceiver, Received } from './testing/receiver.js';
export { localReceiver } from './testing/receiver.js';
export { sampleNotification } from './testing/sample.js';
