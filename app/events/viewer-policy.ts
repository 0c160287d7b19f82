/**
 * Who may follow which live topics, and what of each event they see (the app's viewer policy,
 * handed to the framework's sseHandler by app/web/live/index.ts), by VIEWER_LEVELS:
 *   /burs, /lifecycle   everyone, signed in or not (BUR pages are public, as their progress is);
 *   /records            members and above;
 *   /jobs               moderators and above (the admin jobs page is theirs);
 *   anything else (/workers, topics added later)  admins only.
 * Fields: admins see events whole; moderators without job arguments (the jobs page shows them to
 * admins only) but with error messages (the page shows those to moderators); everyone else
 * without arguments and with error names only.
 *
 * Example: sseHandler(broker, { authorize: (req) => viewerLevel(user), policy: appViewerPolicy })
 */
import { defineViewerPolicy } from '../framework/index';
import { VIEWER_LEVELS } from './viewer-levels';

export const appViewerPolicy = defineViewerPolicy({
  topics: {
    burs: VIEWER_LEVELS.anonymous,
    lifecycle: VIEWER_LEVELS.anonymous,
    records: VIEWER_LEVELS.member,
    jobs: VIEWER_LEVELS.moderator,
  },
  otherTopics: VIEWER_LEVELS.admin,
  arguments: VIEWER_LEVELS.admin,
  errorMessages: VIEWER_LEVELS.moderator,
});
