// How times show in the log view: the browser's local time, to the millisecond in the live view
// (lines of one second are told apart), with the date in search results (they span days).
const pad = (n: number, w = 2) => String(n).padStart(w, "0");

export function formatLogTime(iso: string, withDate: boolean): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const time = `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  return withDate ? `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${time}` : time;
}

/** A value for <input type="datetime-local"> (local time, to the minute). */
export function toLocalInput(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** The link that opens the log view on one line: its seq, and its time so the search covers it. */
export function lineLinkSearch(line: { seq: number; time: string }): string {
  return `?line=${line.seq}&at=${Date.parse(line.time)}#L${line.seq}`;
}
