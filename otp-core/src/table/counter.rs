//! Integer values that `update_counter` can step.

mod sealed {
    pub trait Sealed {}
}

/// An integer value of a table that [`update_counter`](crate::Table::update_counter) steps by a
/// [`Delta`](Counter::Delta): the type itself for a signed integer, its signed counterpart for
/// an unsigned one (so a `u64` counter goes down by a negative `i64`). ETS integers never
/// overflow; here a step that would overflow fails with
/// [`TableError::CounterOverflow`](crate::TableError::CounterOverflow) and leaves the object
/// as it was.
///
/// ```
/// use otp_core::Counter;
///
/// fn step<C: Counter>(value: C, delta: C::Delta) -> Option<C> { value.checked_step(delta) }
/// assert_eq!(step(5_u64, -2_i64), Some(3));
/// assert_eq!(step(1_u8, -2_i8), None);
/// assert_eq!(step(i32::MAX, 1), None);
/// ```
pub trait Counter: sealed::Sealed + Copy + Send + Sync + 'static {
    /// What a step adds: `Self` for a signed integer, the signed type of the same width for an
    /// unsigned one.
    type Delta: Copy + Send + 'static;

    /// `self + delta`, or `None` on overflow.
    ///
    /// ```
    /// use otp_core::Counter;
    ///
    /// assert_eq!(10_i32.checked_step(-11), Some(-1));
    /// assert_eq!(0_usize.checked_step(-1), None);
    /// ```
    #[must_use]
    fn checked_step(self, delta: Self::Delta) -> Option<Self>;
}

macro_rules! signed {
    ($($int:ty),*) => {$(
        impl sealed::Sealed for $int {}
        impl Counter for $int {
            type Delta = $int;
            fn checked_step(self, delta: $int) -> Option<$int> {
                self.checked_add(delta)
            }
        }
    )*};
}

macro_rules! unsigned {
    ($($int:ty => $delta:ty),*) => {$(
        impl sealed::Sealed for $int {}
        impl Counter for $int {
            type Delta = $delta;
            fn checked_step(self, delta: $delta) -> Option<$int> {
                self.checked_add_signed(delta)
            }
        }
    )*};
}

signed!(i8, i16, i32, i64, i128, isize);
unsigned!(u8 => i8, u16 => i16, u32 => i32, u64 => i64, u128 => i128, usize => isize);
