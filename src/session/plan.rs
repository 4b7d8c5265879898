//! What to fetch, as the window's form and request editor say it: a [`FetchPlan`]. The engine's
//! `Job` is made from it in one place, [`FetchPlan::job`], so nothing else knows the job's fields.

use std::time::Duration;

use rustls::pki_types::CertificateDer;

use crate::fetch::{Job, Payload, Target, Trust};

/// How long to wait, how much to keep, and whether to check the certificate, already checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JobLimits {
    pub connect_timeout: Duration,
    pub read_timeout: Duration,
    pub max_time: Duration,
    pub max_bytes: u64,
    pub skip_cert_check: bool,
}

/// One fetch to make: where to, what to send, the limits, and whether to pause before each step.
#[derive(Debug, Clone)]
pub struct FetchPlan {
    pub target: Target,
    /// What to send; `None`: the tutorial's request (the request editor is closed).
    pub payload: Option<Payload>,
    pub limits: JobLimits,
    pub step_through: bool,
}

impl FetchPlan {
    /// The same fetch to another address with the tutorial's request, as a browser follows a
    /// redirect with a GET.
    #[must_use]
    pub fn redirected(&self, target: Target) -> Self {
        Self { target, payload: None, ..self.clone() }
    }

    /// Raw mode: the other side need not be a web server.
    pub fn is_raw(&self) -> bool {
        matches!(self.payload, Some(Payload::Raw { .. }))
    }

    /// The engine's job for this plan. Over HTTPS the certificate is checked against the bundled
    /// roots and `demo_ca`, the demo server's own, while it runs; or not at all when the limits say so.
    pub fn job(&self, demo_ca: Option<&CertificateDer<'static>>) -> Job {
        let mut job = Job::new(self.target.clone());
        job.step_through = self.step_through;
        job.connect_timeout = self.limits.connect_timeout;
        job.read_timeout = self.limits.read_timeout;
        job.max_time = self.limits.max_time;
        job.max_bytes = self.limits.max_bytes;
        if let Some(payload) = &self.payload {
            job.payload = payload.clone();
        }
        // The engine reads the trust only when the target is secure (`Job::tls`).
        if self.limits.skip_cert_check {
            job.trust = Trust::Insecure;
        } else if let Some(ca) = demo_ca {
            job.trust = Trust::BundledAnd(vec![ca.clone()]);
        }
        job
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fetch::StopRule;

    fn plan(secure: bool, skip_cert_check: bool) -> FetchPlan {
        let mut target = Target::parse("example.invalid/a", "8443").unwrap();
        target.secure = secure;
        let limits = JobLimits {
            connect_timeout: Duration::from_secs(3),
            read_timeout: Duration::from_secs(4),
            max_time: Duration::from_secs(5),
            max_bytes: 99,
            skip_cert_check,
        };
        FetchPlan { target, payload: None, limits, step_through: true }
    }

    #[test]
    fn the_job_carries_the_plans_limits_and_trust() {
        let job = plan(true, false).job(None);
        assert_eq!(
            (job.connect_timeout, job.read_timeout, job.max_time, job.max_bytes),
            (Duration::from_secs(3), Duration::from_secs(4), Duration::from_secs(5), 99)
        );
        assert!(job.step_through);
        assert_eq!(job.tls(), Some(&Trust::Bundled));
        assert_eq!(plan(true, true).job(None).tls(), Some(&Trust::Insecure));
        assert_eq!(plan(false, true).job(None).tls(), None, "plain http has no trust to choose");
    }

    #[test]
    fn a_redirect_is_followed_with_the_tutorials_request() {
        let mut raw = plan(false, false);
        raw.payload = Some(Payload::Raw { bytes: b"PING\r\n".to_vec(), stop: StopRule::Hangup });
        let next = raw.redirected(Target::parse("example.invalid/b", "80").unwrap());
        assert!(!next.is_raw());
        assert!(next.job(None).payload.bytes().starts_with(b"GET /b HTTP/1.0"));
    }
}
