// How a person is named on builds and in messages: their name, or their email when they gave none.
export function userLabel(user: { name: string; email: string }): string {
  return user.name || user.email;
}
