import { getTranslations } from "next-intl/server";
import { signOutAction } from "@/lib/actions/session";
import { Button } from "@/components/ui/button";

export async function SignOutButton() {
  const t = await getTranslations("nav");
  return (
    <form action={signOutAction}>
      <Button type="submit" variant="ghost" size="sm" className="w-full justify-start">
        {t("signOut")}
      </Button>
    </form>
  );
}
