const days = data.input.days ?? 3;
const response = await ld.request({
  method: 'GET',
  url: 'https://api.weather.example.com/v1/forecast',
  params: { city: data.input.city, days },
  headers: { Authorization: `Bearer ${data.auth.apiKey}` },
});
if (response.status !== 200) {
  throw new Error(`the weather API answered ${response.status}: ${response.json?.message ?? response.text}`);
}
ld.log(`forecast for ${data.input.city}: ${response.json.days.length} day(s)`);
return response.json;
