// Loads Chart.js (a WebJar) once, on the first page that draws a chart.
let loading = null;
export function chartJs() {
  if (window.Chart) return Promise.resolve(window.Chart);
  loading ||= new Promise((resolve, reject) => {
    const s = document.createElement('script');
    s.src = '/webjars/chart.js/4.5.1/dist/chart.umd.min.js';
    s.onload = () => resolve(window.Chart);
    s.onerror = () => reject(new Error('The chart library could not be loaded.'));
    document.head.appendChild(s);
  });
  return loading;
}
