impl Cache {
    #[allow(clippy::unused_self, clippy::needless_pass_by_value, clippy::unused_async)]
    fn init(ttl: Duration, ctx: &mut Context<Self>) -> Result<Self, InitError> {
        ctx.send_after(Duration::from_secs(60), Cleanup);
        Ok(Cache {
            ttl,
            store: HashMap::new(),
        })
    }
    /// Looks a key up.
    #[allow(clippy::unused_self, clippy::needless_pass_by_value, clippy::unused_async)]
    fn get(&mut self, key: String) -> Option<String> {
        self.store.get(&key).map(|(value, _)| value.clone())
    }
    #[allow(clippy::unused_self, clippy::needless_pass_by_value, clippy::unused_async)]
    async fn report(&mut self, size: usize, reply: ReplyTo<String>) {
        tokio::spawn(async move {
            let _ = reply.reply("x".repeat(size));
        });
    }
    #[allow(clippy::unused_self, clippy::needless_pass_by_value, clippy::unused_async)]
    fn put(&mut self, key: String, value: String) {
        self.store.insert(key, (value, Instant::now() + self.ttl));
    }
    #[allow(clippy::unused_self, clippy::needless_pass_by_value, clippy::unused_async)]
    fn cleanup(&mut self, _: Cleanup, ctx: &mut Context<Self>) {
        ctx.send_after(Duration::from_secs(60), Cleanup);
    }
    #[allow(clippy::unused_self, clippy::needless_pass_by_value, clippy::unused_async)]
    fn warm(&mut self, _: Warm) {}
    #[allow(clippy::unused_self, clippy::needless_pass_by_value, clippy::unused_async)]
    fn terminate(&mut self, reason: &ExitReason) {}
    #[allow(clippy::unused_self, clippy::needless_pass_by_value, clippy::unused_async)]
    fn unexpected(&mut self, msg: AnyMessage) {}
}
#[allow(dead_code, clippy::all, clippy::pedantic)]
const _: () = {
    fn __otp_assert_send<T: ::core::marker::Send + 'static>() {}
    fn __otp_messages_are_send() {
        __otp_assert_send::<Duration>();
        __otp_assert_send::<String>();
        __otp_assert_send::<Option<String>>();
        __otp_assert_send::<usize>();
        __otp_assert_send::<String>();
        __otp_assert_send::<String>();
        __otp_assert_send::<String>();
        __otp_assert_send::<Cleanup>();
        __otp_assert_send::<Warm>();
        __otp_assert_send::<AnyMessage>();
    }
};
#[doc(hidden)]
#[allow(
    non_camel_case_types,
    dead_code,
    private_interfaces,
    clippy::all,
    clippy::pedantic
)]
pub enum __CacheMessage {
    get(::otp_core::__private::ReplySender<Option<String>>, String),
    report(::otp_core::__private::ReplySender<String>, usize),
    put(String, String),
}
#[doc(hidden)]
#[allow(
    non_camel_case_types,
    dead_code,
    private_interfaces,
    clippy::all,
    clippy::pedantic
)]
pub enum __CacheContinue {
    __Continue0(Warm),
}
impl ::otp_core::ContinueWith<::otp_core::__private::NeverA> for Cache {
    fn wrap_continue(
        message: ::otp_core::__private::NeverA,
    ) -> <Self as ::otp_core::GenServer>::Continue {
        match message {}
    }
}
impl ::otp_core::ContinueWith<::otp_core::__private::NeverB> for Cache {
    fn wrap_continue(
        message: ::otp_core::__private::NeverB,
    ) -> <Self as ::otp_core::GenServer>::Continue {
        match message {}
    }
}
impl ::otp_core::ContinueWith<Warm> for Cache {
    fn wrap_continue(message: Warm) -> <Self as ::otp_core::GenServer>::Continue {
        __CacheContinue::__Continue0(message)
    }
}
#[allow(clippy::all, clippy::pedantic, unused_variables)]
impl ::otp_core::GenServer for Cache {
    type Args = Duration;
    type Message = __CacheMessage;
    type Continue = __CacheContinue;
    type Ref = CacheRef;
    fn init(
        __args: Self::Args,
        __ctx: &mut ::otp_core::Context<Self>,
    ) -> impl ::core::future::Future<
        Output = ::core::result::Result<Self, ::otp_core::InitError>,
    > + ::core::marker::Send {
        async move {
            let _ = &__args;
            let __result = <Cache>::init(__args, __ctx);
            ::otp_core::IntoInitResult::<Cache>::into_init_result(__result)
        }
    }
    fn handle_message(
        &mut self,
        __message: Self::Message,
        __ctx: &mut ::otp_core::Context<Self>,
    ) -> impl ::core::future::Future<Output = ()> + ::core::marker::Send {
        async move {
            match __message {
                __CacheMessage::get(__reply, __arg0) => {
                    let __value = <Cache>::get(self, __arg0);
                    __ctx.__reply(__reply, __value);
                }
                __CacheMessage::report(__reply, __arg0) => {
                    <Cache>::report(self, __arg0, ::otp_core::ReplyTo::__new(__reply))
                        .await;
                }
                __CacheMessage::put(__arg0, __arg1) => {
                    <Cache>::put(self, __arg0, __arg1);
                }
            }
        }
    }
    fn handle_info(
        &mut self,
        __message: ::otp_core::AnyMessage,
        __ctx: &mut ::otp_core::Context<Self>,
    ) -> impl ::core::future::Future<Output = ()> + ::core::marker::Send {
        async move {
            let __message = match __message.downcast::<Cleanup>() {
                ::core::result::Result::Ok(__message) => {
                    <Cache>::cleanup(self, __message, __ctx);
                    return;
                }
                ::core::result::Result::Err(__message) => __message,
            };
            <Cache>::unexpected(self, __message);
        }
    }
    fn handle_continue(
        &mut self,
        __message: Self::Continue,
        __ctx: &mut ::otp_core::Context<Self>,
    ) -> impl ::core::future::Future<Output = ()> + ::core::marker::Send {
        async move {
            match __message {
                __CacheContinue::__Continue0(__message) => {
                    <Cache>::warm(self, __message);
                }
            }
        }
    }
    fn terminate(
        &mut self,
        __reason: &::otp_core::ExitReason,
        __ctx: &mut ::otp_core::Context<Self>,
    ) -> impl ::core::future::Future<Output = ()> + ::core::marker::Send {
        async move {
            <Cache>::terminate(self, __reason);
        }
    }
}
impl ::otp_core::ChildDefaults for Cache {
    const ID: &'static str = "Cache";
}
impl ::otp_core::Child for Cache
where
    for<'__otp> <Cache as ::otp_core::GenServer>::Args: ::core::clone::Clone
        + ::core::marker::Sync,
{
    type Args = <Self as ::otp_core::GenServer>::Args;
    type Handle = <Self as ::otp_core::GenServer>::Ref;
    fn child_spec(args: Self::Args) -> ::otp_core::ChildSpec {
        ::otp_core::__private::genserver_child_spec::<Self>(args)
    }
    fn handle(pid: &::otp_core::Pid) -> ::core::option::Option<Self::Handle> {
        ::otp_core::__private::genserver_child_handle::<Self>(pid)
    }
}
///The client of [`Cache`], generated by `#[genserver]`: one method per call and cast. Also `pid`, `is_alive`, `stop`, and `server` for the untyped [`ServerRef`](::otp_core::ServerRef).
#[allow(private_interfaces)]
pub struct CacheRef {
    server: ::otp_core::ServerRef<Cache>,
}
#[allow(private_interfaces, clippy::all, clippy::pedantic)]
impl CacheRef {
    /// Looks a key up.
    pub fn get(&self, key: String) -> ::otp_core::Call<'_, Cache, Option<String>> {
        let (__sender, __receiver) = ::otp_core::__private::reply_channel();
        self.server.__call(__CacheMessage::get(__sender, key), __receiver)
    }
    ///Calls the server's `report` handler.
    pub fn report(&self, size: usize) -> ::otp_core::Call<'_, Cache, String> {
        let (__sender, __receiver) = ::otp_core::__private::reply_channel();
        self.server.__call(__CacheMessage::report(__sender, size), __receiver)
    }
    ///Casts to the server's `put` handler.
    pub fn put(&self, key: String, value: String) {
        self.server.__cast(__CacheMessage::put(key, value));
    }
}
impl ::core::clone::Clone for CacheRef {
    fn clone(&self) -> Self {
        CacheRef {
            server: ::core::clone::Clone::clone(&self.server),
        }
    }
}
impl ::core::fmt::Debug for CacheRef {
    fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
        ::core::fmt::Debug::fmt(&self.server, f)
    }
}
impl ::core::cmp::PartialEq for CacheRef {
    fn eq(&self, other: &Self) -> bool {
        self.server == other.server
    }
}
impl ::core::cmp::Eq for CacheRef {}
impl ::core::convert::AsRef<::otp_core::ServerRef<Cache>> for CacheRef {
    fn as_ref(&self) -> &::otp_core::ServerRef<Cache> {
        &self.server
    }
}
impl ::core::convert::From<::otp_core::ServerRef<Cache>> for CacheRef {
    fn from(server: ::otp_core::ServerRef<Cache>) -> Self {
        CacheRef { server }
    }
}
#[allow(private_interfaces, clippy::all, clippy::pedantic)]
impl CacheRef {
    /// The server's pid.
    #[must_use]
    pub fn pid(&self) -> ::otp_core::Pid {
        self.server.pid()
    }
    /// Whether the server is still running.
    #[must_use]
    pub fn is_alive(&self) -> bool {
        self.server.is_alive()
    }
    /// Stops the server (`GenServer.stop/2`): `terminate` runs with `reason`, and this
    /// waits until the server has exited.
    pub async fn stop(
        &self,
        reason: ::otp_core::ExitReason,
    ) -> ::core::result::Result<(), ::otp_core::CallError> {
        self.server.stop(reason).await
    }
    /// The untyped handle of the server.
    #[must_use]
    pub fn server(&self) -> &::otp_core::ServerRef<Cache> {
        &self.server
    }
}
#[allow(private_interfaces, clippy::all, clippy::pedantic)]
impl Cache {
    ///Starts a [`Cache`] without a link and waits for its init (`GenServer.start/3`).
    pub async fn start(
        args: Duration,
    ) -> ::core::result::Result<CacheRef, ::otp_core::StartError> {
        ::otp_core::StartOptions::<Self>::default().start(args).await
    }
    ///Starts a [`Cache`] linked to the calling process and waits for its init (`GenServer.start_link/3`).
    pub async fn start_link(
        args: Duration,
    ) -> ::core::result::Result<CacheRef, ::otp_core::StartError> {
        ::otp_core::StartOptions::<Self>::default().start_link(args).await
    }
    /// Options for starting this server: a name (`Self::options().name("x").start(args)`).
    #[must_use]
    pub fn options() -> ::otp_core::StartOptions<Self> {
        ::otp_core::StartOptions::default()
    }
    /// The running server registered under `name`, if it is one of this type.
    #[must_use]
    pub fn whereis(name: &str) -> ::core::option::Option<CacheRef> {
        let pid = ::otp_core::whereis(name)?;
        ::otp_core::ServerRef::<Self>::from_pid(&pid).map(::core::convert::From::from)
    }
}
