/* global document, window, fetch, CSS */
/**
 * Live pages (served as /assets/live.js; no inline script, so the pages' CSP holds).
 *
 * A page that follows topics carries them in <body data-live-topics="/jobs,/burs/12">. This script
 * opens one EventSource on /events?topics=..., which reconnects by itself (resuming with
 * Last-Event-ID), and for each event:
 *   - refreshes every element whose data-live-topic equals the event's topic: it fetches the
 *     element's data-live-src (a fragment the server renders with the same escaping views as the
 *     page) and swaps it in; at most one fetch per element at a time, one more if events came
 *     meanwhile, so a burst of progress events costs two requests, not one per event;
 *   - for an event type listed in a container's data-live-insert-on whose topic is below its
 *     data-live-insert and not on the page yet, fetches data-live-row-src ({id}: the topic's last
 *     segment) and puts the row first (the server answers 204 when the row does not belong).
 *   - refreshes every element whose data-live-follow is a prefix of the event's topic (a summary of
 *     many topics, e.g. the jobs page's queue counts on every job event), at most once every
 *     data-live-every milliseconds however many events arrive.
 * After a reconnect, or an `event: resync` (the server could not resume), every live element is
 * refreshed; on the first open, the elements marked data-live-refresh-on-open are (what changed
 * between the page's render and the subscription would otherwise be missed). [data-live-status] says whether the stream is up.
 */
(function () {
  'use strict';
  var topics = document.body.getAttribute('data-live-topics');
  if (!topics || typeof window.EventSource !== 'function') return;

  var statusEl = document.querySelector('[data-live-status]');
  function setStatus(text, state) {
    if (!statusEl) return;
    statusEl.textContent = text;
    statusEl.setAttribute('data-state', state);
  }

  function byTopic(topic) {
    return document.querySelector('[data-live-topic="' + CSS.escape(topic) + '"]');
  }

  function fragment(text) {
    var template = document.createElement('template');
    template.innerHTML = text.trim();
    return template.content.firstElementChild;
  }

  function load(url) {
    return fetch(url, {
      credentials: 'same-origin',
      headers: { Accept: 'text/html' },
      cache: 'no-store',
    }).then(function (res) {
      var type = res.headers.get('content-type') || '';
      if (res.status !== 200 || type.indexOf('text/html') !== 0) return null;
      return res.text().then(fragment);
    });
  }

  var running = new Map(); // key -> { dirty: boolean }
  function coalesce(key, work) {
    var state = running.get(key);
    if (state) {
      state.dirty = true;
      return;
    }
    state = { dirty: false };
    running.set(key, state);
    var step = function () {
      state.dirty = false;
      work()
        .catch(function () {
          /* the next event or reconnect tries again */
        })
        .then(function () {
          if (state.dirty) step();
          else running.delete(key);
        });
    };
    step();
  }

  // Fetches the element's fragment and swaps it in.
  function swap(topic) {
    var el = byTopic(topic);
    if (!el) return Promise.resolve();
    return load(el.getAttribute('data-live-src')).then(function (fresh) {
      var current = byTopic(topic);
      if (fresh && current) current.replaceWith(fresh);
    });
  }

  function refresh(topic) {
    coalesce(topic, function () {
      return swap(topic);
    });
  }

  var lastRun = new Map(); // topic -> when a data-live-every element last started a fetch
  function refreshEvery(topic, every) {
    coalesce(topic, function () {
      var wait = Math.max(0, (lastRun.get(topic) || 0) + every - Date.now());
      return new Promise(function (resolve) {
        window.setTimeout(resolve, wait);
      }).then(function () {
        lastRun.set(topic, Date.now());
        return swap(topic);
      });
    });
  }

  function insert(container, topic) {
    coalesce('insert:' + topic, function () {
      if (byTopic(topic)) return Promise.resolve();
      var id = topic.slice(topic.lastIndexOf('/') + 1);
      return load(container.getAttribute('data-live-row-src').replace('{id}', id)).then(function (row) {
        if (row && !byTopic(topic)) container.insertBefore(row, container.firstElementChild);
      });
    });
  }

  function refreshAll() {
    document.querySelectorAll('[data-live-topic]').forEach(function (el) {
      refresh(el.getAttribute('data-live-topic'));
    });
  }

  function handle(event) {
    if (!event || typeof event.topic !== 'string') return;
    if (byTopic(event.topic)) refresh(event.topic);
    document.querySelectorAll('[data-live-follow]').forEach(function (el) {
      var follow = el.getAttribute('data-live-follow');
      if (event.topic === follow || event.topic.indexOf(follow + '/') === 0) {
        refreshEvery(el.getAttribute('data-live-topic'), Number(el.getAttribute('data-live-every')) || 1000);
      }
    });
    document.querySelectorAll('[data-live-insert]').forEach(function (container) {
      var prefix = container.getAttribute('data-live-insert') + '/';
      var on = (container.getAttribute('data-live-insert-on') || '').split(' ');
      if (event.topic.indexOf(prefix) === 0 && on.indexOf(event.type) !== -1 && !byTopic(event.topic))
        insert(container, event.topic);
    });
  }

  var opened = false;
  var source = new window.EventSource('/events?topics=' + encodeURIComponent(topics));
  source.onopen = function () {
    setStatus('live', 'open');
    if (opened)
      refreshAll(); // back after a drop: catch up on what the resume could not replay
    else
      // The first open: an element that may have changed between its render and the subscription
      // (a job that finished meanwhile) asks to be fetched once now.
      document.querySelectorAll('[data-live-topic][data-live-refresh-on-open]').forEach(function (el) {
        refresh(el.getAttribute('data-live-topic'));
      });
    opened = true;
  };
  source.onerror = function () {
    setStatus(source.readyState === window.EventSource.CLOSED ? 'offline' : 'reconnecting…', 'error');
  };
  source.onmessage = function (message) {
    try {
      handle(JSON.parse(message.data));
    } catch {
      /* not an event */
    }
  };
  source.addEventListener('resync', refreshAll);
  window.addEventListener('pagehide', function () {
    source.close();
  });
})();
