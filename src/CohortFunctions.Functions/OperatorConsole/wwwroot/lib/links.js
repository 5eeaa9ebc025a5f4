// Addresses of console pages. Every id is URL-encoded: cohort ids and external ids may hold any character.

const enc = encodeURIComponent;

export const links = {
  partner: (partner) => `#/partners/${enc(partner)}`,
  cohort: (partner, cohortId) => `#/cohorts/${enc(partner)}/${enc(cohortId)}`,
  segment: (segmentId) => `#/segments/${enc(segmentId)}`,
  user: (params) => `#/users?${new URLSearchParams(params).toString()}`,
};
