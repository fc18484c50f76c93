/** Injection token of the `RotationPolicy` (see `DEFAULT_ROTATION_POLICY`). */
export const ROTATION_POLICY = Symbol('ROTATION_POLICY');
