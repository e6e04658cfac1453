//! mistakes: 1 - Two handlers restricted to different modules: the generated client takes one visibility,
//! and neither reaches further than the other.
mod outer {
    pub(crate) mod inner {
        use otp_core::prelude::*;

        pub(crate) struct Split;

        #[genserver]
        impl Split {
            #[handle_call]
            pub(super) fn up(&mut self) -> u32 {
                1
            }

            #[handle_call]
            pub(in crate::outer::inner) fn here(&mut self) -> u32 {
                2
            }

            #[handle_info(catch_all)]
            fn unexpected(&mut self, _msg: AnyMessage) {}
        }
    }
}

fn main() {}
