impl GenerateReport {
    #[allow(
        dead_code,
        clippy::unused_async,
        clippy::needless_pass_by_value,
        clippy::unused_self,
        clippy::unnecessary_wraps
    )]
    async fn perform(&self, job: &Job) -> Result<(), ReportError> {
        Ok(())
    }
    fn backoff(attempt: u32) -> Duration {
        Duration::from_secs(10)
    }
}
#[allow(dead_code, clippy::all, clippy::pedantic)]
const _: () = {
    fn unique_keys(args: GenerateReport) {
        let _ = &args.report_id;
    }
};
impl ::otp_jobs::Worker for GenerateReport {
    const NAME: &'static str = ::core::concat!(
        ::core::module_path!(), "::", "GenerateReport"
    );
    const QUEUE: &'static str = "reports";
    const MAX_ATTEMPTS: u32 = 3u32;
    const PRIORITY: u8 = 1u8;
    const TIMEOUT: ::core::option::Option<::core::time::Duration> = ::core::option::Option::Some(
        ::core::time::Duration::from_millis(30000u64),
    );
    const UNIQUE: ::core::option::Option<::otp_jobs::Unique> = ::core::option::Option::Some(
        ::otp_jobs::Unique::new()
            .period(::core::time::Duration::from_millis(300000u64))
            .fields(&[::otp_jobs::UniqueField::Args, ::otp_jobs::UniqueField::Worker])
            .keys(&["report_id"])
            .states(&[::otp_jobs::JobState::Available, ::otp_jobs::JobState::Scheduled]),
    );
    fn backoff(attempt: u32) -> ::core::time::Duration {
        <GenerateReport>::backoff(attempt)
    }
    fn perform(
        self,
        job: &::otp_jobs::Job,
    ) -> impl ::core::future::Future<
        Output = ::core::result::Result<(), ::otp_jobs::JobError>,
    > + ::core::marker::Send {
        async move {
            let output = <GenerateReport>::perform(&self, job).await;
            ::otp_jobs::IntoPerformResult::into_perform_result(output)
        }
    }
}
