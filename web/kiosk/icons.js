// Service icons as inline SVG line drawings (no third-party assets), keyed by the service's
// `icon` in the office configuration.

const S = 'fill="none" stroke="currentColor" stroke-width="3" stroke-linecap="round" stroke-linejoin="round"';

const PATHS = {
  certificate: `<rect x="8" y="6" width="32" height="36" rx="3" ${S}/><path d="M15 15h18M15 22h18M15 29h9" ${S}/><circle cx="32" cy="33" r="5" ${S}/>`,
  land: `<path d="M4 38l12-14 8 8 8-10 12 16z" ${S}/><path d="M4 42h40" ${S}/><circle cx="34" cy="11" r="4" ${S}/>`,
  compensation: `<rect x="5" y="14" width="38" height="22" rx="3" ${S}/><circle cx="24" cy="25" r="6" ${S}/><path d="M10 20v10M38 20v10" ${S}/>`,
  licence: `<rect x="5" y="10" width="38" height="28" rx="3" ${S}/><circle cx="16" cy="22" r="5" ${S}/><path d="M10 33c2-4 10-4 12 0M27 19h11M27 25h11M27 31h7" ${S}/>`,
  welfare: `<path d="M24 40S7 30 7 18a8 8 0 0 1 17-4 8 8 0 0 1 17 4c0 12-17 22-17 22z" ${S}/>`,
  information: `<circle cx="24" cy="24" r="18" ${S}/><path d="M24 22v12M24 14v1" ${S}/>`,
  pension: `<circle cx="24" cy="15" r="7" ${S}/><path d="M10 42c0-9 6-14 14-14s14 5 14 14" ${S}/><path d="M36 8v8M32 12h8" ${S}/>`,
  meet: `<circle cx="16" cy="15" r="6" ${S}/><circle cx="33" cy="15" r="6" ${S}/><path d="M4 40c0-8 5-12 12-12s12 4 12 12M24 31c2-2 5-3 9-3 7 0 11 4 11 12" ${S}/>`,
  complaint: `<path d="M8 8h32v24H20l-9 8v-8H8z" ${S}/><path d="M24 14v9M24 27v1" ${S}/>`,
};

export function icon(name) {
  const body = PATHS[name] ?? PATHS.certificate;
  return `<svg class="k-icon" viewBox="0 0 48 48" aria-hidden="true">${body}</svg>`;
}
