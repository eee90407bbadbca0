import { AppDetail } from "@/components/apps/app-detail";

export default async function AppPage({ params }: { params: Promise<{ appId: string }> }) {
  const { appId } = await params;
  return <AppDetail appId={appId} />;
}
