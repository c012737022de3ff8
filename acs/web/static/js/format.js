// Formatting of numbers, times and durations for display.

const numberFormat = new Intl.NumberFormat('en-US');

export function formatNumber(n) {
  if (n === null || n === undefined || Number.isNaN(Number(n))) return '–';
  return numberFormat.format(Number(n));
}

export function parseTime(text) {
  if (!text) return null;
  const t = new Date(text);
  return Number.isNaN(t.getTime()) ? null : t;
}

// "2026-03-01 14:05:09" in local time.
export function formatDateTime(value) {
  const t = value instanceof Date ? value : parseTime(value);
  if (!t) return '–';
  const pad = (n) => String(n).padStart(2, '0');
  return `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())} ` +
         `${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}`;
}

export function formatClock(t) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${pad(t.getHours())}:${pad(t.getMinutes())}:${pad(t.getSeconds())}`;
}

// "45 s", "3 min", "2 h 5 min", "4 d"
export function formatDuration(ms) {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '–';
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const hours = Math.floor(m / 60);
  if (hours < 48) return m % 60 ? `${hours} h ${m % 60} min` : `${hours} h`;
  return `${Math.floor(hours / 24)} d`;
}

// "3 min ago", "in 2 min", "never"
export function formatAgo(value, now = Date.now()) {
  const t = value instanceof Date ? value : parseTime(value);
  if (!t || t.getTime() <= 0) return 'never';
  const diff = now - t.getTime();
  if (Math.abs(diff) < 5000) return 'just now';
  return diff >= 0 ? `${formatDuration(diff)} ago` : `in ${formatDuration(-diff)}`;
}

export function truncate(text, max = 120) {
  const str = String(text ?? '');
  return str.length > max ? `${str.slice(0, max - 1)}…` : str;
}

// JSON for display; strings stay as they are.
export function jsonText(value, pretty = true) {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  return JSON.stringify(value, null, pretty ? 2 : 0);
}
