/**
 * Event topics: slash-separated paths, most specific first in the tree. An event is published on
 * one topic (a job's events on /jobs/:id); a subscription to a topic receives that topic and
 * everything below it (/jobs receives /jobs/4f2c..), as MQTT's `backlot/jobs/#` would.
 *
 * The framework's own topics (the app adds its own roots, built with topicSegment, in app/events/):
 *   /jobs/:id                 job.* events
 *   /workers/:workerId        worker.up, worker.down (workerId is host:pid)
 *   /lifecycle/clock          clock.tick (a subscription to /lifecycle receives it)
 *
 * Example: topics.job(job.jobId) -> '/jobs/4f2c..'; topicMatches('/jobs', '/jobs/4f2c..') -> true
 */

/** One or more segments of letters, digits and `_ . : % ~ -`, each after a slash. */
export const TOPIC_PATTERN = /^(?:\/[A-Za-z0-9_.:%~-]+)+$/;

/** Longest topic accepted (a query string lists several). */
export const MAX_TOPIC_LENGTH = 200;

export function isValidTopic(topic: string): boolean {
  return topic.length <= MAX_TOPIC_LENGTH && TOPIC_PATTERN.test(topic);
}

/** Characters encodeURIComponent leaves alone, minus the ones topicSegment encodes anyway (!'()*). */
const UNRESERVED = /^[A-Za-z0-9_.~-]+$/;

/** An id as one topic segment: percent-encoded, so '/', '+' and '#' never reach a topic. */
export function topicSegment(id: string | number): string {
  const text = String(id);
  // Ids made of unreserved characters only (job ids, UUIDs, numbers: nearly every id) stay as they are.
  if (UNRESERVED.test(text)) return text;
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

export const topics = {
  jobs: () => '/jobs',
  job: (jobId: string) => `/jobs/${topicSegment(jobId)}`,
  workers: () => '/workers',
  worker: (workerId: string) => `/workers/${topicSegment(workerId)}`,
  lifecycle: () => '/lifecycle',
  clock: () => '/lifecycle/clock',
} as const;

/** Whether a subscription to `subscription` receives an event on `topic`. */
export function topicMatches(subscription: string, topic: string): boolean {
  return (
    topic === subscription ||
    (topic.startsWith(subscription) && topic.charCodeAt(subscription.length) === 47) /* / */
  );
}

/** The first segment without its slash: '/jobs/12' -> 'jobs'. */
export function topicRoot(topic: string): string {
  const end = topic.indexOf('/', 1);
  return end === -1 ? topic.slice(1) : topic.slice(1, end);
}
