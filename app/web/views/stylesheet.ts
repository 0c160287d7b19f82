/**
 * The app's one stylesheet, served at /assets/app.css (a file of its own so that the pages'
 * Content-Security-Policy can forbid inline styles). The confirmation overlay is pure CSS.
 */
export const STYLESHEET = `
*{box-sizing:border-box}
body{margin:0;font:15px/1.45 system-ui,sans-serif;color:#1d2330;background:#f6f7f9}
a{color:#0b5cad}
header.top{display:flex;flex-wrap:wrap;gap:.25rem 1rem;justify-content:space-between;align-items:center;padding:.5rem 1rem;background:#1d2330;color:#fff}
header.top nav{display:flex;flex-wrap:wrap;gap:.25rem 0}
header.top a{color:#fff;margin-right:1rem;text-decoration:none}
header.top .brand{font-weight:700}
header.top .level{font-size:12px;padding:0 .4rem;border:1px solid rgba(255,255,255,.35);border-radius:3px;margin-right:.75rem;text-transform:capitalize}
main{padding:1rem;max-width:1200px;margin:0 auto}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #e3e6eb;vertical-align:top}
th{background:#eef0f4;font-weight:600}
td.num{text-align:right;font-variant-numeric:tabular-nums}
code,pre{font-family:ui-monospace,monospace;font-size:13px}
pre{background:#fff;border:1px solid #e3e6eb;padding:.5rem;overflow:auto;max-height:24rem}
.flash{padding:.5rem .75rem;border-radius:4px}
.flash.notice{background:#e3f4e5}
.flash.alert,.errors{background:#fbe4e4}
.field{margin:.5rem 0}
.field label{display:block;font-weight:600}
.field input,textarea{padding:.35rem;border:1px solid #b9c0cc;border-radius:3px;width:100%;max-width:32rem}
.field .error{color:#a11;display:block}
form.inline{display:inline}
button{padding:.3rem .7rem;border:1px solid #7a8596;border-radius:3px;background:#fff;cursor:pointer}
button.danger{border-color:#a11;color:#a11}
button.link{border:0;background:none;color:#fff;text-decoration:underline;padding:0}
.state{padding:0 .35rem;border-radius:3px;background:#e3e6eb}
.state-failed,.state-canceled{background:#fbe4e4}
.state-completed{background:#e3f4e5}
.state-active{background:#e0ecfb}
.state-delayed{background:#fff3d6}
.charts{display:flex;flex-wrap:wrap;gap:1rem;margin:1rem 0}
.chart{background:#fff;border:1px solid #e3e6eb;padding:.5rem;margin:0;flex:1 1 22rem;min-width:0;max-width:36rem}
.chart svg{display:block;width:100%;height:auto}
.chart figcaption{font-size:12px;color:#4a5363}
.legend-p50{color:#2c6fb7}.legend-p95{color:#d68910}
.table-box{max-width:100%;overflow-x:auto}
table.jobs{table-layout:auto;font-size:14px}
table.jobs td.job-id{font-family:ui-monospace,monospace;font-size:12px}
table.jobs td.job-id a{display:inline-block;max-width:7rem;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;vertical-align:bottom}
table.jobs td.job-class{overflow-wrap:break-word;max-width:12rem}
table.jobs td.when{white-space:nowrap;font-variant-numeric:tabular-nums;font-size:13px}
table.jobs td.error{overflow-wrap:anywhere;max-width:16rem;font-size:13px}
table.jobs td.job-actions{white-space:nowrap}
table.jobs td.arguments{overflow-wrap:anywhere;max-width:18rem;font-size:13px}
table.jobs td.worker{white-space:nowrap;font-size:13px}
ol.args{margin:0;padding-left:1.25rem}
ol.args code{overflow-wrap:anywhere}
.arg-pair{display:block}
.arg-key{color:#4a5363;font-weight:600}
.arg-key::after{content:':'}
form.history-search{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:.5rem 0}
form.history-search input[name=args]{width:16rem;max-width:100%}
form.history-filters{display:flex;flex-wrap:wrap;gap:.5rem}
form.history-filters input{max-width:100%}
table.stats{font-size:13px}
table.stats td.paused{white-space:nowrap}
.state-discarded{background:#f3e8d6}
.state-paused{background:#fff3d6;color:#7a5200}
.bulk-actions{margin:.5rem 0;font-size:14px}
.bulk-actions a.action{margin-right:.75rem}
main dl{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}
main dd{margin:0;overflow-wrap:anywhere}
main h1{overflow-wrap:anywhere}
ul.job-links{padding-left:1.2rem}
ul.job-links li,ul.retry-plan li,p.retry-of,p.retried-as,p.history-note{overflow-wrap:anywhere}
.link-source{color:#5a6270;font-size:13px}
@media (max-width:800px){
  main{padding:.5rem}
  table{display:block;max-width:100%;overflow-x:auto}
  table.cards{display:table;overflow:visible}
  table.cards thead{display:none}
  table.cards tr{display:block;border:1px solid #e3e6eb;border-radius:4px;margin:0 0 .75rem;background:#fff}
  table.cards td{display:flex;gap:.75rem;justify-content:space-between;border-bottom:1px solid #f0f1f4;max-width:none}
  table.cards td{text-align:right}
  table.cards td::before{content:attr(data-label);font-weight:600;color:#4a5363;flex:0 0 5.5rem;text-align:left}
  table.jobs td.job-id a{max-width:14rem}
  table.cards td.job-class,table.cards td.error,table.cards td.arguments{max-width:none}
  table.cards td.arguments{display:block;text-align:left}
  table.cards td.arguments::before{display:block}
  .chart{flex-basis:100%}
}
.chart h3{margin:0 0 .25rem;font-size:14px}
.legend-completed{color:#2e8b57}.legend-failed{color:#c0392b}
.filters{margin:.5rem 0}
.pager{margin:1rem 0}
.overlay{position:fixed;inset:0;background:rgba(20,24,33,.55);display:flex;align-items:center;justify-content:center}
.dialog{background:#fff;border-radius:6px;padding:1.25rem 1.5rem;max-width:32rem;box-shadow:0 10px 30px rgba(0,0,0,.3)}
.dialog .actions{display:flex;gap:.75rem;justify-content:flex-end;margin-top:1rem}
.hidden-args{color:#667}
button.primary{border-color:#0b5cad;background:#0b5cad;color:#fff}
a.button{display:inline-block;padding:.3rem .7rem;border:1px solid #7a8596;border-radius:3px;background:#fff;text-decoration:none;color:#1d2330}
a.action.danger{color:#a11}
.actions form.inline,.actions a.button{margin-right:.5rem}
.badge{padding:0 .35rem;border-radius:3px;background:#eef0f4;font-size:12px}
.badge-deleted{background:#fbe4e4}
.live-status{font-size:12px;padding:0 .4rem;border-radius:3px;background:#555;margin-right:.75rem}
.live-status[data-state=open]{background:#2e8b57}
.live-status[data-state=error]{background:#c0392b}
.state-pending,.state-waiting{background:#eef0f4}
.state-processing,.state-running,.state-approved{background:#e0ecfb}
.state-done,.state-valid,.state-active{background:#e3f4e5}
.state-rejected,.state-invalid,.state-deleted,.state-retired{background:#fbe4e4}
.bur-live{background:#fff;border:1px solid #e3e6eb;padding:.5rem 1rem;margin:1rem 0}
.bur-progress progress#bur-progress{width:min(40rem,100%);height:1.25rem;vertical-align:middle}
.bur-progress .percent{font-weight:700;margin-left:.5rem;font-variant-numeric:tabular-nums}
.bur-progress progress.line-progress{width:min(40rem,100%);height:.6rem}
tr.line-failed td{background:#fdf1f1}
tr.line-running td{background:#f1f6fd}
td.error,.line-reason{color:#a11}
.script-editor{display:flex;gap:1rem;flex-wrap:wrap;align-items:flex-start}
.script-editor .field{flex:1 1 24rem}
.script-editor textarea{font-family:ui-monospace,monospace;max-width:none}
.script-check{flex:1 1 20rem;background:#fff;border:1px solid #e3e6eb;padding:.5rem .75rem}
.script-check h3{margin:.25rem 0;font-size:14px}
.checked-lines{list-style:none;padding:0;margin:0;font-size:13px}
.checked-lines li{padding:.2rem 0;border-bottom:1px solid #f0f1f4}
.checked-lines .line-number{display:inline-block;min-width:2rem;color:#667;font-variant-numeric:tabular-nums}
.checked-lines .line-bad{background:#fdf1f1}
.checked-lines .line-reason{display:block;margin-left:2rem}
.checked-lines .ok{color:#2e8b57}
.errors{padding:.5rem .75rem;border-radius:4px}
.errors ul{margin:0;padding-left:1.25rem}
.tag-name{word-break:break-all}
.search{display:flex;gap:.5rem;margin:.5rem 0 1rem}
.search input{flex:1;max-width:40rem;padding:.35rem;border:1px solid #b9c0cc;border-radius:3px}
.post-grid{display:flex;flex-wrap:wrap;gap:.75rem;list-style:none;margin:0;padding:0}
.post-grid li{width:190px;height:210px;display:flex;flex-direction:column;align-items:center;justify-content:flex-end;background:#fff;border:1px solid #e3e6eb;border-radius:4px;padding:5px}
.post-grid a.thumb{flex:1;display:flex;align-items:center;justify-content:center}
.post-grid img{max-width:180px;max-height:180px}
.post-grid .no-image{color:#7a8596;font-size:12px}
.post-grid .meta{font-size:12px;color:#4a5363}
.post-layout{display:flex;gap:1.5rem;align-items:flex-start}
.post-layout aside{min-width:14rem;max-width:18rem}
.post-layout .image img{max-width:100%;height:auto;border:1px solid #e3e6eb;background:#fff}
.tag-group h3{font-size:13px;margin:.75rem 0 .25rem;text-transform:uppercase;color:#4a5363}
.tag-group ul{list-style:none;margin:0;padding:0}
.tag-group .count{color:#7a8596;font-size:12px;margin-left:.25rem}
.tag-general a{color:#0075f8}
.tag-artist a{color:#c00004}
.tag-copyright a{color:#a800aa}
.tag-character a{color:#00ab2c}
.tag-meta a{color:#fd9200}
.upload-status progress{width:16rem}
@media (max-width:600px){
  .post-grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(140px,1fr));gap:.5rem}
  .post-grid li{width:auto;height:180px}
  .post-grid img{max-width:100%;max-height:150px}
  .post-layout{flex-direction:column-reverse;gap:.5rem}
  .post-layout aside{min-width:0;max-width:none;width:100%}
}
`;
