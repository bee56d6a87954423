/** Send Message's operation values, in a module of their own: fields and options name them without importing the router. */
export const SEND_OPERATION = 'send';
export const MARK_AS_READ_OPERATION = 'markAsRead';
