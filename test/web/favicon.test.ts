import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { useWebApp } from './support';

describe('the favicon', () => {
  const web = useWebApp({}, 'web-favicon');

  it('is an SVG served by the app and linked from every page', async () => {
    const icon = await request(web().app).get('/favicon.svg').expect(200);
    expect(icon.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(String(icon.body)).toContain('<svg');
    const page = await request(web().app).get('/posts').expect(200);
    expect(page.text).toContain('<link rel="icon" type="image/svg+xml" href="/favicon.svg">');
  });

  it('answers /favicon.ico, which browsers ask for on their own, with a redirect to it', async () => {
    const ico = await request(web().app).get('/favicon.ico').expect(301);
    expect(ico.headers.location).toBe('/favicon.svg');
  });
});
