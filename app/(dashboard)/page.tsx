import { ProjectList } from "@/components/projects/project-list";
import { QuotaCard } from "@/components/team/quota-card";

export default function DashboardPage() {
  return (
    <div className="grid gap-6 lg:grid-cols-[1fr_320px]">
      <ProjectList />
      <QuotaCard />
    </div>
  );
}
