import { textField } from '~/lib/form'

/**
 * The e-mail and password a sign-in or registration form sent. Both are cut
 * well above what password.server.ts accepts, so an oversized field is
 * refused by the rules there without being carried around whole.
 */
export function readCredentials(form: FormData): { email: string; password: string } {
  return { email: textField(form, 'email', 320).trim(), password: textField(form, 'password', 1000) }
}
