// Who is logged in, and the login/logout calls that change it.
import { api, get, del } from "./api.js";

export const session = {
  user: null,
  onChange: null,

  // Asks the server; false when there is no (complete) session.
  async refresh() {
    try {
      this.user = await get("/me");
    } catch {
      this.user = null;
    }
    this.onChange?.();
    return !!this.user;
  },

  // Returns the login answer: {user, totp_required}.
  async login(name, password) {
    const answer = await api("POST", "/session", { name, password });
    this.user = answer.totp_required ? null : answer.user;
    this.onChange?.();
    return answer;
  },

  async totp(code) {
    const answer = await api("POST", "/session/totp", { code });
    this.user = answer.user;
    this.onChange?.();
    return answer;
  },

  async signup(name, password) {
    this.user = await api("POST", "/users", { name, password });
    this.onChange?.();
    return this.user;
  },

  async logout() {
    await del("/session").catch(() => {});
    this.user = null;
    this.onChange?.();
    location.hash = "#/login";
  },
};
